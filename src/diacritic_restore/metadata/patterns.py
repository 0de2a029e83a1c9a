"""What the extractor knows of Party and state documents: the tables of types, codes,
titles and bodies, the patterns matched on folded text, and the small helpers every
region of a document shares (cleaning a value, symbols and their codes, dates)."""

from __future__ import annotations

import re

from diacritic_restore.text.folding import fold

# Document types and their symbol codes (Hướng dẫn 36-HD/VPTW for Party documents,
# Nghị định 30/2020/NĐ-CP Appendix III for state documents), folded name → (name, codes)
DOCUMENT_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Nghị quyết", ("NQ",)),
    ("Quyết định", ("QĐ",)),
    ("Chỉ thị", ("CT",)),
    ("Kết luận", ("KL",)),
    ("Quy chế", ("QC",)),
    ("Quy định", ("QĐi", "QyĐ")),
    ("Thông tri", ("TT",)),
    ("Hướng dẫn", ("HD",)),
    ("Chương trình", ("CTr",)),
    ("Kế hoạch", ("KH",)),
    ("Phương án", ("PA",)),
    ("Đề án", ("ĐA",)),
    ("Dự án", ("DA",)),
    ("Báo cáo", ("BC",)),
    ("Tờ trình", ("TTr",)),
    ("Thông báo", ("TB",)),
    ("Thông cáo", ("TC",)),
    ("Công văn", ("CV",)),
    ("Công điện", ("CĐ",)),
    ("Biên bản", ("BB",)),
    ("Hợp đồng", ("HĐ",)),
    ("Giấy mời", ("GM",)),
    ("Nghị định", ("NĐ",)),
    ("Thông tư", ("TT",)),
    ("Luật", ()),
    ("Pháp lệnh", ("PL",)),
    ("Điều lệ", ()),
    ("Quy chế", ("QC",)),
    ("Lời kêu gọi", ()),
    # the rest of Nghị định 30/2020/NĐ-CP (Phụ lục III) and Hướng dẫn 36-HD/VPTW
    ("Quy hoạch", ("QHo",)),
    ("Bản ghi nhớ", ("BGN",)),
    ("Bản thỏa thuận", ("BTT",)),
    ("Giấy ủy quyền", ("GUQ",)),
    ("Giấy giới thiệu", ("GGT",)),
    ("Giấy nghỉ phép", ("NP",)),
    ("Phiếu gửi", ("PG",)),
    ("Phiếu chuyển", ("PC",)),
    ("Phiếu báo", ("PB",)),
    ("Thông tư liên tịch", ("TTLT",)),
    ("Nghị quyết liên tịch", ("NQLT",)),
)
# codes of symbols: the types' and the issuers' (HD 36-HD/VPTW, NĐ 30/2020/NĐ-CP)
ISSUER_CODES = ("TW", "TU", "ĐUK", "ĐU", "HU", "QU", "ThU", "BCT", "BBT", "BTCTW", "BTCTU", "BTGTW", "BTGTU",
                "UBKTTW", "UBKTTU", "VPTW", "VPTU", "BDVTU", "BDVTW", "BDVTW", "ĐĐ", "BCS", "UBND", "HĐND", "CP",
                "TTg", "BCĐ", "MTTQ", "ĐTN", "QH", "UBTVQH", "VPCP", "BNV", "BTC", "BGDĐT", "BCA", "BQP")
# the signer's authority (folded, spaces and the final dot removed) → as it is printed
AUTHORITIES = {"t/m": "T/M", "tm": "T/M", "k/t": "K/T", "kt": "K/T", "t/l": "T/L", "tl": "T/L",
               "q": "Q.", "tuq": "TUQ.", "t/uq": "TUQ."}
# "TM. BAN THƯỜNG VỤ": the dotted spellings are the same authorities; one canonical form
# each (the schema's closed set: T/M, K/T, T/L, Q., TUQ.), so a catalogue can count them
DOTTED_AUTHORITIES = {"tm": "T/M", "kt": "K/T", "tl": "T/L", "tuq": "TUQ."}
# family names (the most frequent Vietnamese surnames): a signer's name starts with one
SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn "
    "vương trịnh trương lâm phùng mai tô hà tạ lương cao đinh châu quách thái lò kiều "
    "chu âu doãn giang hứa khúc kim la lại lưu mạc nông ông quan thân tôn triệu văn vi "
    "viên ninh đàm đồng".split())
# canonical titles and signing bodies: OCR'd capitals are matched to them fuzzily
TITLES = ("BÍ THƯ", "PHÓ BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "TỔNG BÍ THƯ", "CHỦ TỊCH",
          "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
          "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "ỦY VIÊN",
          "TRƯỞNG PHÒNG", "CHÁNH THANH TRA", "VIỆN TRƯỞNG", "CHÁNH ÁN", "TRƯỞNG ĐOÀN",
          "THỦ TRƯỞNG", "TỔNG CỤC TRƯỞNG", "CỤC TRƯỞNG")
SIGNING_BODIES = ("BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "TỈNH UỶ", "THÀNH UỶ", "HUYỆN UỶ",
                  "THỊ UỶ", "ĐẢNG UỶ", "BAN BÍ THƯ", "BỘ CHÍNH TRỊ", "CHI BỘ", "ĐẢNG ĐOÀN",
                  "BAN CÁN SỰ ĐẢNG", "UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN",
                  "BAN TỔ CHỨC", "BAN TUYÊN GIÁO", "VĂN PHÒNG", "UỶ BAN KIỂM TRA", "BAN CHỈ ĐẠO",
                  "CHỦ TỊCH", "BỘ TRƯỞNG", "GIÁM ĐỐC", "THỦ TƯỚNG")
# lower-case words that belong inside the name of a body (all else ends it)
ORG_WORDS = frozenset(
    "hanh chuc vu tinh khoa uong thu tri giao quan doanh nghiep cac co va bo uy dang huyen xa thanh pho nhan dan "
    "ban hoi dong kiem tra tuyen van phong chinh phu quoc thuong truc can su doan mat tran to lien khoi dao chi "
    "nganh cap truong vien toa an cong so tai nguyen moi sinh hoc giao duc lao thuong binh y te nong ke hoach dau "
    "tu ngoai noi cuc tong lan thu nhiem ky va trung the xay dung sat ninh nghe thong tin truyen nghi hop "
    "lan thu".split())
# folded words a title is made of, and words one of them contains
TITLE_PARTS = frozenset({"bi", "thu", "pho", "chu", "tich", "giam", "doc", "truong", "truc", "thuong", "bo"})
TITLE_WORDS = ("bi thu", "chu tich", "giam doc", "truong", "chanh", "uy vien", "thu truong", "tong", "pho")
# how the name of an issuing body starts (folded)
ORG_START = ("dang bo", "dang uy", "tinh uy", "thanh uy", "huyen uy", "thi uy", "quan uy", "ban ", "uy ban",
             "ubnd", "hoi dong", "so ", "chi bo", "bo ", "van phong", "cong an", "vien ", "toa an", "trung uong",
             "dang doan", "ban can su", "mat tran", "hoi ", "truong ", "cuc ", "tong cuc", "chinh phu",
             # the tax and customs offices of the provinces since 2025 ("THUẾ TỈNH TÂY NINH")
             "thue tinh", "thue thanh pho", "chi cuc", "hai quan khu vuc")
_HEADINGS = ("dang cong san viet nam", "cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc",
             "doc lap-tu do-hanh phuc")

# ------------------------------------------------------------------ patterns (on folded text)

_CODE = r"[A-Za-zĐđ][A-Za-zĐđ0-9]{0,9}"
# 15-CT/TU, 05-QC/BTCTU-BDVTU, 08-QĐi/TW, 45/KH-UBND, 04/2015/NĐ-CP, 1193-QĐ/TU
SYMBOL_RE = re.compile(
    r"(?<![\w/])(?P<num>\d{1,5})\s?(?:/(?P<year>\d{4}))?"
    r"(?:\s?[-/]\s?|\s(?=[A-ZĐ][A-Za-zĐ]{0,4}/))"
    rf"(?P<code>{_CODE}(?:\s?[-/]\s?{_CODE})+|{_CODE})(?![\w])")

# Dates, each written once; every pattern captures (day, month, year) for iso_date.
_DAY = r"(\d{1,2})"
_YEAR = r"(\d{4})"
_DATE_SEP = r"\s*[/.-]\s*"
# "ngày 16/6/2022"
DATE_NUM_RE = re.compile(rf"ngay\s*{_DAY}{_DATE_SEP}{_DAY}{_DATE_SEP}{_YEAR}")
# "ngày 23 tháng 12 năm 2022" on the place-date line, where the day (and month) may be
# left blank to be filled in at signing and OCR leaves stray marks between the parts
DATE_WORDS_RE = re.compile(rf"ngay\s*{_DAY}?\s*\W{{0,3}}\s*thang\s*{_DAY}?\s*\W{{0,3}}\s*nam\s*{_YEAR}")
# the same written in full, as the date of a cited document: nothing blank, nothing between
FULL_DATE_WORDS_RE = re.compile(rf"ngay\s*{_DAY}\s*thang\s*{_DAY}\s*nam\s*{_YEAR}")

SO_RE = re.compile(r"(?<![a-z])(?:so|s6|s0|s5|s\u00f3)\s*:?\s*")  # "S6": English OCR of Số
# lower-case words that end an issuer's name ("của Tỉnh uỷ về ...", "... đã ...")
ISSUER_STOP = re.compile(r"\s(?:ve|trong|de|doi voi|nham|theo|tai|va cac|da|dang|bao cao|ban hanh|quy dinh|"
                         r"huong dan|chi dao|nhu sau|thi|sau day|la|co|duoc|thuc hien|trien khai|tiep tuc|"
                         r"cho|voi|va|tren|gan|lien quan)\b")
# folded type name → type name, longest first: a longer name is tried before one it starts with
TYPE_NAMES = sorted({fold(n): n for n, _ in DOCUMENT_TYPES}.items(), key=lambda kv: -len(kv[0]))
TYPE_BY_KEY = dict(TYPE_NAMES)
TYPE_RE = re.compile(r"(?<![a-z])(" + "|".join(re.escape(k) for k, _ in TYPE_NAMES) + r")(?![a-z])")
SPLIT_NUMBER_RE = re.compile(r"((?:[Ss]ố|SỐ|[Ss]o)\s*:?\s+\d{1,3}) (\d{1,3}\s?[-/]\s?[A-ZĐ])")
# the digital signature's time stamp ("…, 12/01/2023 09:15:02")
STAMP_RE = re.compile(r",?\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?")
AUTH_RE = re.compile(r"(?<![a-z])(t\s?/\s?m|k\s?/\s?t|t\s?/\s?l|t\s?/\s?uq|tm\.|kt\.|tl\.|tuq\.|q\.)\s+(?=\w)")

# ------------------------------------------------------------------ fuzzy matching


def fuzzy_pick(text: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    """The choice ``text`` most likely is (folded, Levenshtein similarity), if any."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(fold(text), [fold(c) for c in choices], scorer=fuzz.ratio, score_cutoff=cutoff)
    return choices[best[2]] if best else None


def canonical_caps(text: str, choices: tuple[str, ...], cutoff: float = 80) -> str:
    """OCR'd capitals mapped to the known phrase they spell (``BAN CHẤP HANII`` →
    ``BAN CHẤP HÀNH``); the text itself when it already is one or matches none."""
    pick = fuzzy_pick(text, choices, cutoff)
    if pick is None or fold(pick) == fold(text):
        return text
    return pick


def blank_headings(line: str, f: str) -> str:
    """The line with national headings (also OCR-damaged ones) blanked out."""
    from rapidfuzz import fuzz

    for h in _HEADINGS:
        if len(f.strip()) < 0.6 * len(h):
            continue
        al = fuzz.partial_ratio_alignment(h, f, score_cutoff=82)
        if al is not None:
            line = line[:al.dest_start] + " " * (al.dest_end - al.dest_start) + line[al.dest_end:]
            f = fold(line)
    return line


# ------------------------------------------------------------------ small helpers


def iso_date(d: str | None, m: str | None, y: str | None) -> str | None:
    """ISO 8601 of a day, month and year as matched, as far as they are given and valid."""
    if not y:
        return None
    year = int(y)
    if not 1900 <= year <= 2100:
        return None
    if not m:
        return f"{year:04d}"
    month = int(m)
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if not d:
        return f"{year:04d}-{month:02d}"
    day = int(d)
    if not 1 <= day <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean(s: str) -> str:
    """A value as stored: one space between words, no punctuation at either end."""
    return " ".join(s.replace("\u00a0", " ").split()).strip(" ,;:.-–—|*")


def is_caps(s: str) -> bool:
    """At least two letters, four in five of them capitals."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# ------------------------------------------------------------------ symbols and their codes

_KNOWN_CODES = tuple(dict.fromkeys([c for _, cs in DOCUMENT_TYPES for c in cs] + list(ISSUER_CODES)))
_CODE_PARTS_RE = re.compile(r"([-/])")
_SYMBOL_PARTS_RE = re.compile(r"[-/]")
_NUMBER_SPACE_RE = re.compile(r"^(\d+)\s+(?=[A-Za-zĐ])")
_SPACES_RE = re.compile(r"\s+")


def type_of_code(code: str) -> str | None:
    """The document type a symbol's code names (``CTr`` → Chương trình)."""
    c = fold(code.split("/")[0].split("-")[0])
    for name, codes in DOCUMENT_TYPES:
        if any(fold(x) == c for x in codes):
            return name
    return None


def symbol_at(line: str, start: int) -> re.Match[str] | None:
    """The first symbol in ``line`` from ``start``, if its code reads as one."""
    m = SYMBOL_RE.search(line, start)
    if m is None:
        return None
    code = m.group("code")
    # the code must name a type or an issuer in capitals (not 2020-2025, not 16/6)
    if not any(c.isalpha() for c in code) or not code[:1].isupper():
        return None
    return m


def _code_key(code: str) -> str:
    # English-model OCR reads Đ as D, P or B
    return fold(code).replace("b", "d").replace("p", "d")


_CODE_BY_KEY: dict[str, str] = {}
for _c in _KNOWN_CODES:
    _CODE_BY_KEY.setdefault(_code_key(_c), _c)


def repair_symbol(sym: str) -> str:
    """``60-QB/TW`` → ``60-QĐ/TW``, ``02-CT/PUK`` → ``02-CT/ĐUK``: each code part that is
    not a known code but reads as one with Đ for D/P/B takes the known spelling."""
    parts = _CODE_PARTS_RE.split(sym)
    out = []
    for p in parts:
        if p in ("-", "/") or p.isdigit() or p in _KNOWN_CODES:
            out.append(p)
            continue
        out.append(_CODE_BY_KEY.get(_code_key(p), p))
    return "".join(out)


def symbol_key(sym: str) -> str:
    """Number and issuer code: the same document when OCR garbled its type code twice
    differently (``1193-QB/TU``, ``1193-QDb/TU``)."""
    parts = _SYMBOL_PARTS_RE.split(sym)
    return f"{parts[0]}|{fold(parts[1])[:1] if len(parts) > 2 else ''}|{parts[-1]}"


def symbol_text(m: re.Match[str]) -> str:
    """A matched symbol as stored: spaces out, a lost hyphen back, codes repaired."""
    # "12 HD/BTCTW": OCR lost the hyphen
    return repair_symbol(_SPACES_RE.sub("", _NUMBER_SPACE_RE.sub(r"\1-", m.group(0))))
