"""Structured metadata of Vietnamese Party and state documents.

Party documents follow Hướng dẫn 36-HD/VPTW (2018), state documents Nghị định
30/2020/NĐ-CP: a heading, the issuer block top-left, ``Số 15-CT/TU`` or ``Số: 45/KH-UBND``,
the place-date line, the type and its subject line, the body, the signer block
(``T/M``, ``K/T``, ``T/L``...) and ``Nơi nhận:`` with its list.

The extractor reads restored text line by line.  Every pattern is matched on a *folded*
copy of the text (lower case, no marks, ``đ``→``d``, same length as the original, so
offsets carry over), which keeps it working when a restored word is still slightly wrong
(``Pang``, ``Ban Thuờng vụ``) and when OCR flattened the two header columns onto one
line.  Values are cut from the original text.  A field the document does not show is
``None``, never guessed.  Each value carries the (1-based) line it came from and a
confidence: how strict the pattern that found it was.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Generic, Iterable, TypeVar

from pydantic import BaseModel, Field

from diacritic_restore.text.folding import fold, fold_char  # noqa: F401  (fold_char: public API)

SCHEMA_VERSION = 1
T = TypeVar("T")

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
)
_AUTHORITIES = {"t/m": "T/M", "tm": "T/M", "k/t": "K/T", "kt": "K/T", "t/l": "T/L", "tl": "T/L",
                "q": "Q.", "tuq": "TUQ.", "t/uq": "TUQ."}
# family names (the most frequent Vietnamese surnames): a signer's name starts with one
SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn vương trịnh trương "
    "lâm phùng mai tô hà tạ lương cao đinh châu quách thái lò kiều chu âu doãn giang hứa khúc kim la "
    "lại lưu mạc nông ông quan thân tôn triệu văn vi viên ninh đàm đồng".split())
# canonical titles and signing bodies: OCR'd capitals are matched to them fuzzily
TITLES = ("BÍ THƯ", "PHÓ BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "TỔNG BÍ THƯ", "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
          "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG",
          "BỘ TRƯỞNG", "THỨ TRƯỞNG", "ỦY VIÊN", "TRƯỞNG PHÒNG", "CHÁNH THANH TRA", "VIỆN TRƯỞNG", "CHÁNH ÁN",
          "TRƯỞNG ĐOÀN", "THỦ TRƯỞNG", "TỔNG CỤC TRƯỞNG", "CỤC TRƯỞNG")
SIGNING_BODIES = ("BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "TỈNH UỶ", "THÀNH UỶ", "HUYỆN UỶ", "THỊ UỶ", "ĐẢNG UỶ",
                  "BAN BÍ THƯ", "BỘ CHÍNH TRỊ", "CHI BỘ", "ĐẢNG ĐOÀN", "BAN CÁN SỰ ĐẢNG", "UỶ BAN NHÂN DÂN",
                  "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "BAN TỔ CHỨC", "BAN TUYÊN GIÁO", "VĂN PHÒNG", "UỶ BAN KIỂM TRA",
                  "BAN CHỈ ĐẠO", "CHỦ TỊCH", "BỘ TRƯỞNG", "GIÁM ĐỐC", "THỦ TƯỚNG")
# lower-case words that belong inside the name of a body (all else ends it)
ORG_WORDS = frozenset(
    "hanh chuc vu tinh khoa uong thu tri giao quan doanh nghiep cac co va bo uy dang huyen xa thanh pho nhan dan "
    "ban hoi dong kiem tra tuyen van phong chinh phu quoc thuong truc can su doan mat tran to lien khoi dao chi "
    "nganh cap truong vien toa an cong so tai nguyen moi sinh hoc giao duc lao thuong binh y te nong ke hoach dau "
    "tu ngoai noi cuc tong lan thu nhiem ky va trung the xay dung sat ninh nghe thong tin truyen nghi hop lan thu".split())
_TITLE_PARTS = frozenset({"bi", "thu", "pho", "chu", "tich", "giam", "doc", "truong", "truc", "thuong", "bo"})
_TITLE_WORDS = ("bi thu", "chu tich", "giam doc", "truong", "chanh", "uy vien", "thu truong", "tong", "pho")


class Found(BaseModel, Generic[T]):
    """An extracted value, the line it came from and how sure the extractor is."""

    value: T
    line: int = Field(description="1-based line number in the text the value was read from")
    confidence: float = Field(ge=0, le=1)


class CitedDocument(BaseModel):
    type: str | None
    number: str | None
    symbol: str | None
    date: str | None = Field(description="ISO 8601, partial when the document gives less")
    issuer: str | None
    raw: str = Field(description="the mention as it stands in the text")
    line: int
    confidence: float = Field(ge=0, le=1)


class PageInfo(BaseModel):
    index: int
    source: str = Field(description="ocr, text-layer or text")
    mean_confidence: float | None = None
    psm: int | None = None
    coverage: float | None = None
    retried: bool = False
    skew_degrees: float | None = None
    dpi: float | None = None


class Metadata(BaseModel):
    """What a cataloguer needs of one document (``vnrestore schema`` prints the JSON Schema)."""

    schema_version: int = SCHEMA_VERSION
    number: Found[str] | None = None
    symbol: Found[str] | None = None
    document_type: Found[str] | None = None
    issuer: Found[str] | None = None
    parent_issuer: Found[str] | None = None
    place: Found[str] | None = None
    date: Found[str] | None = Field(None, description="ISO 8601; 2021-10 when the day is blank")
    subject: Found[str] | None = None
    signing_authority: Found[str] | None = Field(None, description="T/M, K/T, T/L, Q., TUQ.")
    signing_body: Found[str] | None = None
    signer_title: Found[str] | None = None
    signer_name: Found[str] | None = None
    recipients: Found[list[str]] | None = None
    cited_documents: list[CitedDocument] = Field(default_factory=list)
    page_count: int | None = None
    pages: list[PageInfo] = Field(default_factory=list)
    source_file: str | None = None
    sha256: str | None = None
    mean_confidence: float | None = Field(None, description="mean confidence of the OCR words or the restore")


# ------------------------------------------------------------------ patterns

_CODE = r"[A-Za-zĐđ][A-Za-zĐđ0-9]{0,9}"
# 15-CT/TU, 05-QC/BTCTU-BDVTU, 08-QĐi/TW, 45/KH-UBND, 04/2015/NĐ-CP, 1193-QĐ/TU
_SYMBOL_RE = re.compile(
    rf"(?<![\w/])(?P<num>\d{{1,5}})\s?(?:/(?P<year>\d{{4}}))?(?:\s?[-/]\s?|\s(?=[A-ZĐ][A-Za-zĐ]{{0,4}}/))(?P<code>{_CODE}(?:\s?[-/]\s?{_CODE})+|{_CODE})(?![\w])")
_DATE_NUM_RE = re.compile(r"ngay\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_DATE_WORDS_RE = re.compile(r"ngay\s*(\d{1,2})?\s*\W{0,3}\s*thang\s*(\d{1,2})?\s*\W{0,3}\s*nam\s*(\d{4})")
_SO_RE = re.compile(r"(?<![a-z])(?:so|s6|s0|s5|s\u00f3)\s*:?\s*")  # "S6": English OCR of Số
_HEADINGS = ("dang cong san viet nam", "cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc",
             "doc lap-tu do-hanh phuc")
_ORG_START = ("dang bo", "dang uy", "tinh uy", "thanh uy", "huyen uy", "thi uy", "quan uy", "ban ", "uy ban",
              "ubnd", "hoi dong", "so ", "chi bo", "bo ", "van phong", "cong an", "vien ", "toa an", "trung uong",
              "dang doan", "ban can su", "mat tran", "hoi ", "truong ", "cuc ", "tong cuc", "chinh phu")
# lower-case words that end an issuer's name ("của Tỉnh uỷ về ...", "... đã ...")
_ISSUER_STOP = re.compile(r"\s(?:ve|trong|de|doi voi|nham|theo|tai|va cac|da|dang|bao cao|ban hanh|quy dinh|"
                          r"huong dan|chi dao|nhu sau|thi|sau day|la|co|duoc|thuc hien|trien khai|tiep tuc|"
                          r"cho|voi|va|tren|gan|lien quan)\b")
_TYPE_NAMES = sorted({fold(n): n for n, _ in DOCUMENT_TYPES}.items(), key=lambda kv: -len(kv[0]))
_TYPE_RE = re.compile(r"(?<![a-z])(" + "|".join(re.escape(k) for k, _ in _TYPE_NAMES) + r")(?![a-z])")
_SPLIT_NUMBER_RE = re.compile(r"((?:[Ss]ố|SỐ|[Ss]o)\s*:?\s+\d{1,3}) (\d{1,3}\s?[-/]\s?[A-ZĐ])")
_STAMP_RE = re.compile(r",?\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?")
_AUTH_RE = re.compile(r"(?<![a-z])(t\s?/\s?m|k\s?/\s?t|t\s?/\s?l|t\s?/\s?uq|tm\.|kt\.|tl\.|tuq\.|q\.)\s+(?=\w)")


def _fuzzy_pick(text: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    """The choice ``text`` most likely is (folded, Levenshtein similarity), if any."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(fold(text), [fold(c) for c in choices], scorer=fuzz.ratio, score_cutoff=cutoff)
    return choices[best[2]] if best else None


def _canonical_caps(text: str, choices: tuple[str, ...], cutoff: float = 80) -> str:
    """OCR'd capitals mapped to the known phrase they spell (``BAN CHẤP HANII`` →
    ``BAN CHẤP HÀNH``); the text itself when it already is one or matches none."""
    pick = _fuzzy_pick(text, choices, cutoff)
    if pick is None or fold(pick) == fold(text):
        return text
    return pick


def _blank_headings(line: str, f: str) -> str:
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


def _iso(d: str | None, m: str | None, y: str | None) -> str | None:
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


def _clean(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split()).strip(" ,;:.-–—|*")


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def type_of_code(code: str) -> str | None:
    """The document type a symbol's code names (``CTr`` → Chương trình)."""
    c = fold(code.split("/")[0].split("-")[0])
    for name, codes in DOCUMENT_TYPES:
        if any(fold(x) == c for x in codes):
            return name
    return None


def _symbol_at(line: str, fline: str, start: int) -> re.Match[str] | None:
    m = _SYMBOL_RE.search(line, start)
    if m is None:
        return None
    code = m.group("code")
    # the code must name a type or an issuer in capitals (not 2020-2025, not 16/6)
    if not any(c.isalpha() for c in code) or not code[:1].isupper():
        return None
    return m


# codes of symbols: the types' and the issuers' (HD 36-HD/VPTW, NĐ 30/2020/NĐ-CP)
ISSUER_CODES = ("TW", "TU", "ĐUK", "ĐU", "HU", "QU", "ThU", "BCT", "BBT", "BTCTW", "BTCTU", "BTGTW", "BTGTU",
                "UBKTTW", "UBKTTU", "VPTW", "VPTU", "BDVTU", "BDVTW", "BDVTW", "ĐĐ", "BCS", "UBND", "HĐND", "CP",
                "TTg", "BCĐ", "MTTQ", "ĐTN", "QH", "UBTVQH", "VPCP", "BNV", "BTC", "BGDĐT", "BCA", "BQP")
_KNOWN_CODES = tuple(dict.fromkeys([c for _, cs in DOCUMENT_TYPES for c in cs] + list(ISSUER_CODES)))


def _code_key(code: str) -> str:
    # English-model OCR reads Đ as D, P or B
    return fold(code).replace("b", "d").replace("p", "d")


_CODE_BY_KEY: dict[str, str] = {}
for _c in _KNOWN_CODES:
    _CODE_BY_KEY.setdefault(_code_key(_c), _c)


def repair_symbol(sym: str) -> str:
    """``60-QB/TW`` → ``60-QĐ/TW``, ``02-CT/PUK`` → ``02-CT/ĐUK``: each code part that is
    not a known code but reads as one with Đ for D/P/B takes the known spelling."""
    parts = re.split(r"([-/])", sym)
    out = []
    for p in parts:
        if p in ("-", "/") or p.isdigit() or p in _KNOWN_CODES:
            out.append(p)
            continue
        out.append(_CODE_BY_KEY.get(_code_key(p), p))
    return "".join(out)


def _symbol_key(sym: str) -> str:
    """Number and issuer code: the same document when OCR garbled its type code twice
    differently (``1193-QB/TU``, ``1193-QDb/TU``)."""
    parts = re.split(r"[-/]", sym)
    return f"{parts[0]}|{fold(parts[1])[:1] if len(parts) > 2 else ''}|{parts[-1]}"


def _symbol_text(m: re.Match[str]) -> str:
    # "12 HD/BTCTW": OCR lost the hyphen
    return repair_symbol(re.sub(r"\s+", "", re.sub(r"^(\d+)\s+(?=[A-Za-zĐ])", r"\1-", m.group(0))))


# ------------------------------------------------------------------ the extractor


class _Doc:
    def __init__(self, text: str):
        text = unicodedata.normalize("NFC", text).replace("\f", "\n").replace("\r", "")
        # OCR splits a symbol's number ("số 1 7-CT/TU"): join the digits back
        self.lines = [_SPLIT_NUMBER_RE.sub(r"\1\2", ln) for ln in text.split("\n")]
        self.folded = [fold(ln) for ln in self.lines]

    def nonblank(self, start: int = 0, stop: int | None = None) -> Iterable[int]:
        for i in range(start, len(self.lines) if stop is None else min(stop, len(self.lines))):
            if self.lines[i].strip():
                yield i


def _find_type_line(doc: _Doc) -> tuple[int, str] | None:
    """The line naming the document's type: a short ALL-CAPS line near the top."""
    for i in doc.nonblank(0, 60):
        line = doc.lines[i].strip()
        f = doc.folded[i].strip()
        if not _is_caps(line) or len(f) > 40:
            continue
        for key, name in _TYPE_NAMES:
            if f == key or f.startswith(key + " "):
                return i, name
        # OCR-damaged ("NGH QUYẾT"): the first two words near a type name
        head = " ".join(f.split()[:len(f.split()) if len(f.split()) <= 3 else 2])
        pick = _fuzzy_pick(head, tuple(k for k, _ in _TYPE_NAMES if len(k) >= 6), 84)
        if pick is not None:
            return i, dict(_TYPE_NAMES)[pick]
    return None


def _header(doc: _Doc, md: Metadata, stop: int) -> None:
    """Number, symbol, place, date and the issuer block, from the lines above the type."""
    issuer_parts: list[tuple[int, str]] = []
    for i in range(0, stop):
        line, f = doc.lines[i], doc.folded[i]
        if not line.strip():
            continue
        # the place-date line: "Sóc Trăng, ngày 23 tháng 12 năm 2022"
        if md.date is None:
            m = _DATE_WORDS_RE.search(f) or _DATE_NUM_RE.search(f)
            if m:
                iso = _iso(*m.groups())
                if iso:
                    md.date = Found(value=iso, line=i + 1, confidence=0.95 if m.group(1) else 0.85)
                comma = f.rfind(",", 0, m.start())
                head = f[:comma if comma >= 0 else m.start()]
                # the place follows the symbol when OCR flattened "Số ... Place, ngày"
                sm = _symbol_at(line, f, 0)
                pstart = sm.end() if sm and sm.end() <= len(head) else 0
                place = _clean(line[pstart:len(head)])
                place = re.sub(r"^(?:Số|SỐ|số)\s*:?\s*", "", place)
                if place and len(place.split()) <= 5 and not any(c.isdigit() for c in place):
                    md.place = Found(value=place, line=i + 1, confidence=0.9)
        # "Số 15-CT/TU" / "Số: 45/KH-UBND"
        if md.symbol is None:
            for so in _SO_RE.finditer(f):
                sm = _symbol_at(line, f, so.end())
                if sm and sm.start() - so.end() <= 3:
                    md.symbol = Found(value=_symbol_text(sm), line=i + 1, confidence=0.95)
                    md.number = Found(value=sm.group("num"), line=i + 1, confidence=0.95)
                    break
        # issuer block: capitals that are not the national heading, a date or a symbol
        keep = _blank_headings(line, f)
        if _SO_RE.match(fold(keep.strip())) or _DATE_WORDS_RE.search(fold(keep)):
            continue
        cand = _clean(keep)
        if cand and _is_caps(cand) and len(cand) >= 4 and not any(c.isdigit() for c in cand):
            issuer_parts.append((i, cand))
    if issuer_parts:
        units: list[tuple[int, str]] = []
        for i, part in issuer_parts:
            fp = fold(part)
            if units and not fp.startswith(_ORG_START):
                units[-1] = (units[-1][0], units[-1][1] + " " + part)  # a wrapped issuer line
            else:
                units.append((i, part))
        li, issuer = units[-1]
        md.issuer = Found(value=issuer, line=li + 1, confidence=0.85)
        if len(units) >= 2:
            pi, parent = units[-2]
            md.parent_issuer = Found(value=parent, line=pi + 1, confidence=0.75)


def _title_and_subject(doc: _Doc, md: Metadata, tline: int, tname: str) -> int:
    """Type, "CỦA <issuer>" and the subject lines; returns where the body starts."""
    md.document_type = Found(value=tname, line=tline + 1, confidence=0.95)
    i = tline + 1
    nxt = list(doc.nonblank(i, i + 4))
    if nxt and doc.folded[nxt[0]].strip().startswith("cua ") and _is_caps(doc.lines[nxt[0]]):
        if md.issuer is None:
            md.issuer = Found(value=_clean(doc.lines[nxt[0]].strip()[4:]), line=nxt[0] + 1, confidence=0.8)
        i = nxt[0] + 1
    # the subject: the next block of lines (stray marks of a broken text layer skipped)
    parts: list[str] = []
    first = None
    j = i
    while j < len(doc.lines) and j < i + 12:
        line = doc.lines[j].strip()
        if not line:
            if parts:
                break
            j += 1
            continue
        if sum(len(w) >= 2 and w.isalpha() for w in line.split()) < 2:
            if parts:
                break
            j += 1
            continue
        if parts and re.match(r"^[IVX]+\.\s|^\d+\.\s", line):
            break
        if first is None:
            first = j
        parts.append(line)
        j += 1
        if len(parts) >= 4:
            break
    if parts and first is not None:
        md.subject = Found(value=_clean(" ".join(parts)), line=first + 1, confidence=0.8)
    return j


def _body_issuer(doc: _Doc, md: Metadata, start: int) -> None:
    """"…, Ban Thường vụ Đảng uỷ Khối … báo cáo như sau:" names the issuer."""
    text = " ".join(doc.lines[start:start + 15])
    f = fold(text)
    m = re.search(r"(bao cao|ban hanh|thong bao|huong dan|chi thi|ket luan|quyet dinh)\s+(nhu sau|chuong trinh|ke hoach)", f)
    if not m:
        return
    comma = max(f.rfind(",", 0, m.start()), f.rfind(";", 0, m.start()))
    cand = _clean(text[comma + 1:m.start()])
    if cand and cand[:1].isupper() and fold(cand).startswith(_ORG_START) and len(cand.split()) <= 14:
        line = next((k for k in range(start, min(start + 15, len(doc.lines))) if cand.split()[0] in doc.lines[k]), start)
        md.issuer = Found(value=cand, line=line + 1, confidence=0.6)


_PUNCT_STOP = re.compile(r"[,;:()\[\]“”\"]|\.(?:\s|$)")


def _issuer_end(text: str, ftext: str, s: int) -> int:
    """Where an issuer's name starting at ``s`` ends: punctuation, or a lower-case
    word that cannot be part of it (``khoá XIII`` and ``Đảng`` can)."""
    end = len(text)
    mm = _PUNCT_STOP.search(ftext, s)
    if mm:
        end = mm.start()
    term = re.match(r"\s*\(k\w{2,4}\s+[ivxlc]+\)", ftext[end:])
    if term:  # "Trung ương 4 (khoá XII)": the term belongs to the name
        return end + term.end()
    for mm in _ISSUER_STOP.finditer(ftext, s, end):
        if text[mm.start() + 1].islower():
            end = mm.start()
            break
    # two lower-case words that name no part of a body end it ("... Đảng me nâng ..."
    # where OCR garbled về); one alone may be a garbled part of the name
    words = list(re.finditer(r"\s(\S+)", text[s:end]))
    for a, b in zip(words, words[1:] + [None]):
        if _foreign(a.group(1)) and (b is None or _foreign(b.group(1))):
            return s + a.start()
    return end


def _foreign(w: str) -> bool:
    return w[:1].islower() and fold(w).strip(".,’'\"") not in ORG_WORDS


def _issuer_after(text: str, ftext: str, pos: int) -> str | None:
    """The body named after "của" at ``pos``: up to punctuation or a verb that ends it."""
    m = re.match(r"\s*,?\s*cua\s+", ftext[pos:])
    if not m:
        return None
    s = pos + m.end()
    if not text[s:s + 1].isupper():
        return None
    end = _issuer_end(text, ftext, s)
    cand = _clean(text[s:end])
    words = cand.split()
    return " ".join(words[:12]) if words else None


def _cited(doc: _Doc, start: int, stop: int) -> list[CitedDocument]:
    """Documents the body refers to: "Nghị quyết số 21-NQ/TW, ngày 16/6/2022 của …" and
    specific unnumbered ones ("Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIV")."""
    # the body as one string (line breaks as spaces), with each character's line
    pieces, owners = [], []
    for i in range(start, stop):
        ln = doc.lines[i]
        pieces.append(ln + " ")
        owners.extend([i] * (len(ln) + 1))
    text = "".join(pieces)
    ftext = fold(text)
    out: list[CitedDocument] = []
    by_symbol: dict[str, CitedDocument] = {}
    seen_raw: set[str] = set()
    for m in _TYPE_RE.finditer(ftext):
        if not text[m.start()].isupper():
            continue  # "các nghị quyết, chỉ thị của Đảng": generic
        tname = dict(_TYPE_NAMES)[m.group(1)]
        pos = m.end()
        so = re.match(r"\s*(?:so\s*)?", ftext[pos:])
        sym_start = pos + (so.end() if so else 0)
        syms = []
        sm = _SYMBOL_RE.match(text, sym_start)
        while sm and sm.group("code")[:1].isupper():
            syms.append(sm)
            nxt = re.match(r"\s*,\s*", text[sm.end():])
            sm2 = _SYMBOL_RE.match(text, sm.end() + nxt.end()) if nxt else None
            sm = sm2 if sm2 and sm2.group("code")[:1].isupper() else None
        end = syms[-1].end() if syms else pos
        date = None
        dm = re.match(r"\s*,?\s*(?:ban hanh\s+)?ngay\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", ftext[end:])
        if dm is None:
            dm = re.match(r"\s*,?\s*ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", ftext[end:])
        if dm:
            date = _iso(*dm.groups())
            end += dm.end()
        issuer = _issuer_after(text, ftext, end)
        nums = re.match(r"\s*so\s*(\d{1,5}(?:\s*,\s*\d{1,5})*)(?![\d/-])", ftext[pos:]) if not syms else None
        if nums:
            # numbers without symbols ("Quy định số 97, 98, 287 của Ban Bí thư")
            end = pos + nums.end()
            issuer = _issuer_after(text, ftext, end)
            raw_end = end
            if issuer:
                k = ftext.find(fold(issuer), end)
                raw_end = k + len(issuer) if k >= 0 else end
            raw = _clean(text[m.start():raw_end])
            for num in re.findall(r"\d+", nums.group(1)):
                key = f"{tname}|{num}"
                if key in seen_raw:
                    continue
                seen_raw.add(key)
                out.append(CitedDocument(type=tname, number=num, symbol=None, date=date, issuer=issuer, raw=raw,
                                         line=owners[m.start()] + 1, confidence=0.7))
            continue
        if not syms:
            # unnumbered: only a specific one, named by its issuer or occasion
            direct = re.match(r"\s+([A-ZĐÂĂÊÔƠƯ][^\s,;.()]*)", text[pos:])
            if issuer is None and direct and fold(direct.group(1)) in ("dai", "trung", "hoi", "dang", "ban", "bo"):
                s = pos + direct.start(1)
                e = _issuer_end(text, ftext, s)
                issuer = _clean(text[s:e])
                raw_end = s + len(text[s:e].rstrip())
            elif issuer is not None:
                raw_end = ftext.find(fold(issuer), end) + len(issuer)
            else:
                continue
            raw = _clean(text[m.start():raw_end])
            # the same resolution named again with its term ("lần thứ XIV" / "nhiệm kỳ ...")
            key = re.split(r"\s(?:lan thu|nhiem ky|khoa)\s", re.sub(r"\s*\(.*?\)", "", fold(f"{tname} {issuer}")))[0]
            planned = re.search(r"(ban hanh|xay dung|nghien cuu|du thao|soan thao)\s*$", ftext[max(0, m.start() - 30):m.start()])
            if key in seen_raw or len(raw.split()) < 2 or planned:
                continue
            seen_raw.add(key)
            out.append(CitedDocument(type=tname, number=None, symbol=None, date=date, issuer=issuer, raw=raw,
                                     line=owners[m.start()] + 1, confidence=0.6))
            continue
        raw_end = end
        if issuer:
            k = ftext.find(fold(issuer), end)
            if k >= 0:
                raw_end = k + len(issuer)
        raw = _clean(text[m.start():raw_end])
        for sm in syms:
            sym = _symbol_text(sm)
            code_type = type_of_code(sm.group("code"))
            prev = by_symbol.get(sym) or by_symbol.get(_symbol_key(sym))
            if prev is not None and prev.date and date and prev.date != date:
                prev = None  # two documents of one symbol (07-NQ/TU of 2008 and of 2018)
            if prev is not None:
                prev.date = prev.date or date
                prev.issuer = prev.issuer or issuer
                continue
            cd = CitedDocument(type=code_type or tname, number=sm.group("num"), symbol=sym, date=date, issuer=issuer,
                               raw=raw, line=owners[m.start()] + 1,
                               confidence=0.95 if code_type == tname else 0.8)
            by_symbol[sym] = by_symbol[_symbol_key(sym)] = cd
            out.append(cd)
    # a symbol whose code names a type, where OCR garbled the type word ("K& hoạch
    # số 80-KH/TU")
    for sm in _SYMBOL_RE.finditer(text):
        code = sm.group("code")
        sym = _symbol_text(sm)
        tname = type_of_code(code) if code[:1].isupper() else None
        if tname is None or sym in by_symbol or _symbol_key(sym) in by_symbol or "/" not in sym:
            continue
        end = sm.end()
        dm = re.match(r"\s*,?\s*ngay\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", ftext[end:])
        date = _iso(*dm.groups()) if dm else None
        end += dm.end() if dm else 0
        issuer = _issuer_after(text, ftext, end)
        start_raw = max(text.rfind(" ", 0, max(sm.start() - 1, 0)), 0)
        so = re.search(r"(\S+\s+){0,2}so\s*$", ftext[max(0, sm.start() - 25):sm.start()])
        if so:
            start_raw = max(0, sm.start() - 25) + so.start()
        raw_end = end
        if issuer:
            k = ftext.find(fold(issuer), end)
            raw_end = k + len(issuer) if k >= 0 else end
        cd = CitedDocument(type=tname, number=sm.group("num"), symbol=sym, date=date, issuer=issuer,
                           raw=_clean(text[start_raw:raw_end]), line=owners[sm.start()] + 1, confidence=0.7)
        by_symbol[sym] = by_symbol[_symbol_key(sym)] = cd
        out.append(cd)
    # "Quy định số 213 của Bộ Chính trị" after "Quy định 213-QĐ/TW": one document
    numbered = {(c.type, c.number) for c in out if c.symbol}
    out = [c for c in out if c.symbol or c.number is None or (c.type, c.number) not in numbered]
    out.sort(key=lambda c: c.line)
    return out


def _footer(doc: _Doc, md: Metadata) -> int | None:
    """Recipients and the signer block, separated where OCR interleaved the two columns."""
    start = None
    for i in range(len(doc.lines) - 1, max(-1, len(doc.lines) - 80), -1):
        head = doc.folded[i].strip()[:9]
        if head.startswith("noi nhan") or (len(head) >= 7 and _fuzzy_pick(head[:8], ("noi nhan",), 74)):
            start = i
            break
    # the signer block: anywhere in the last lines
    tail_start = start if start is not None else max(0, len(doc.lines) - 25)
    items: list[tuple[int, str]] = []
    title_found = False
    for i in range(tail_start, len(doc.lines)):
        line, f = doc.lines[i], doc.folded[i]
        if not line.strip():
            continue
        body = line
        if i == start:
            k = f.find("nhan")
            body = " " * (k + 4) + line[k + 4:]
            body = body.replace(":", " ", 1) if body.strip().startswith(":") else body
        am = _AUTH_RE.search(fold(body))
        if am and md.signing_authority is None:
            auth = _AUTHORITIES.get(re.sub(r"\s", "", am.group(1)).rstrip("."), am.group(1).upper())
            if am.group(1).rstrip(".") in ("tm", "kt", "tl", "tuq"):
                auth = {"tm": "TM.", "kt": "KT.", "tl": "TL.", "tuq": "TUQ."}[am.group(1).rstrip(".")]
            rest = body[am.end():]
            caps = re.match(r"((?:[^\W\d_]+\.?\s*)+)", rest)
            signing = _clean(caps.group(1)) if caps else ""
            md.signing_authority = Found(value=auth, line=i + 1, confidence=0.9)
            if signing and _is_caps(signing):
                canon = _canonical_caps(signing, SIGNING_BODIES)
                md.signing_body = Found(value=canon, line=i + 1, confidence=0.85 if canon == signing else 0.65)
            body = body[:am.start()]
        # a title at the end of a line (or alone): capitals with a title word in them
        words = body.split()
        k = len(words)
        while k > 0 and words[k - 1].strip(",.;").isalpha() and (
                _is_caps(words[k - 1]) or (words[k - 1][:1].isupper() and fold(words[k - 1]) in _TITLE_PARTS
                                           and (k - 2 < 0 or _is_caps(words[k - 2])))):
            k -= 1
        tail = " ".join(words[k:])
        alone = k == 0 or (len(words) <= 3 and md.signing_authority is not None
                            and md.signing_authority.line < i + 1)
        if alone and not title_found:
            k, tail = 0, " ".join(words)
        if not title_found and md.signing_authority is not None and tail and (len(words) - k >= 2 or alone) \
                and not tail.startswith("("):
            canon = _fuzzy_pick(_clean(tail), TITLES, 60 if alone else 75)
            if canon is not None or any(t in fold(tail) for t in _TITLE_WORDS):
                value = _clean(tail) if canon is None or fold(canon) == fold(_clean(tail)) else canon
                md.signer_title = Found(value=value, line=i + 1, confidence=0.85 if value == _clean(tail) else 0.6)
                title_found = True
                body = " ".join(words[:k])
        # a name: Title-case words starting with a family name, alone or after ". "
        nm = re.search(r"(?:^|\.\s+|\s{3,})((?:[A-ZĐÂĂÊÔƠƯ\u00C0-\u1EF9][^\s\d,.;:()]*\s?){2,5})\s*$", body.strip())
        if nm and md.signer_name is None and md.signing_authority is not None:
            cand = _clean(nm.group(1))
            ws = cand.split()
            if 2 <= len(ws) <= 5 and ws[0].lower() in SURNAMES and all(w[:1].isupper() and not w.isupper() for w in ws):
                md.signer_name = Found(value=cand, line=i + 1, confidence=0.8)
                body = body.strip()[:nm.start(1)] if nm.start(1) else ""
        if start is None:
            continue
        body = _STAMP_RE.sub("", body).replace("[", " ").replace("|", " ")
        b = body.strip()
        if not b or _is_caps(b) and not b.startswith(("-", "+", "•")):
            continue
        if b[:1] in "-+•–":
            items.append((i, b[1:].strip()))
        elif items and (b[:1].islower() or b[:1] == "("):
            items[-1] = (items[-1][0], items[-1][1] + " " + b)
    if start is not None:
        recips = [_clean(t) for _, t in items if _clean(t)]
        md.recipients = Found(value=recips, line=start + 1, confidence=0.85 if recips else 0.5)
    return start


def extract(text: str, fix_word: Callable[[str], str | None] | None = None) -> Metadata:
    """Metadata of one document's (restored) text; the file-level fields stay empty.

    ``fix_word`` (e.g. the restorer's ``best_syllable``) mends a signer's name word that
    is no Vietnamese syllable (OCR's ``Diing`` for Dũng): names get no help from the
    language model in the restore."""
    doc = _Doc(text)
    md = Metadata()
    found = _find_type_line(doc)
    stop = found[0] if found else min(len(doc.lines), 12)
    _header(doc, md, stop)
    body_start = _title_and_subject(doc, md, *found) if found else 0
    if md.issuer is None:
        _body_issuer(doc, md, body_start)
    footer = _footer(doc, md)
    body_stop = footer if footer is not None else len(doc.lines)
    own = md.symbol.value if md.symbol else None
    md.cited_documents = [c for c in _cited(doc, body_start, body_stop) if c.symbol != own or own is None]
    if md.signer_name is not None and fix_word is not None:
        from diacritic_restore.text.syllable import is_valid

        words = md.signer_name.value.split()
        fixed = [w if is_valid(w.lower()) else (fix_word(w) or w) for w in words]
        if fixed != words:
            md.signer_name = Found(value=" ".join(fixed), line=md.signer_name.line, confidence=0.6)
    return md


def document_metadata(text: str, *, source_file: str | None = None, sha256: str | None = None,
                      pages: list[PageInfo] | None = None, mean_confidence: float | None = None,
                      fix_word: Callable[[str], str | None] | None = None) -> Metadata:
    """:func:`extract` plus the file-level fields."""
    md = extract(text, fix_word)
    md.pages = pages or []
    md.page_count = len(pages) if pages else text.count("\f") + 1
    md.source_file = source_file
    md.sha256 = sha256
    md.mean_confidence = mean_confidence
    return md


def schema() -> dict:
    """The JSON Schema of :class:`Metadata` (committed as docs/metadata.schema.json)."""
    doc = Metadata.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = f"vnrestore-metadata-v{SCHEMA_VERSION}"
    return doc


# ------------------------------------------------------------------ scoring

SCALAR_FIELDS = ("number", "symbol", "document_type", "issuer", "parent_issuer", "place", "date", "subject",
                 "signing_authority", "signing_body", "signer_title", "signer_name")


class FieldScore(BaseModel):
    field: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        d = self.true_positives + self.false_positives
        return self.true_positives / d if d else 1.0

    @property
    def recall(self) -> float:
        d = self.true_positives + self.false_negatives
        return self.true_positives / d if d else 1.0


def _norm(v: str) -> str:
    v = fold(v).replace("\u2019", "'")
    v = re.sub(r"[^\w/%-]+", " ", v)
    return " ".join(v.split())


def same_value(pred: str, gold: str, field: str = "") -> bool:
    """Values agree as a cataloguer would accept: case, marks (OCR'd input keeps some
    wrong) and punctuation aside; a long subject within a few characters."""
    from rapidfuzz import fuzz

    a, b = _norm(pred), _norm(gold)
    if a == b:
        return True
    if field in ("subject", "raw") or len(b) > 40:
        return fuzz.ratio(a, b) >= 85
    if field in ("issuer", "signing_body"):
        return a.startswith(b) or b.startswith(a) and len(a) >= 0.7 * len(b)
    return False


def _match_items(pred: list[str], gold: list[str], same) -> tuple[int, int, int]:
    used = set()
    tp = 0
    for g in gold:
        for k, p in enumerate(pred):
            if k not in used and same(p, g):
                used.add(k)
                tp += 1
                break
    return tp, len(pred) - tp, len(gold) - tp


def _same_citation(p: CitedDocument, g: dict) -> bool:
    if g.get("symbol"):
        return p.symbol is not None and _norm(p.symbol) == _norm(g["symbol"])
    if g.get("number"):
        return p.symbol is None and p.number == g["number"] and same_value(p.type or "", g.get("type") or "")
    return p.symbol is None and p.number is None and same_value(p.type or "", g.get("type") or "") and (
        same_value(p.raw, g["raw"], "raw") or (p.issuer is not None and g.get("issuer") is not None
                                               and same_value(p.issuer, g["issuer"], "issuer")))


def score(pred: Metadata, gold: dict) -> dict[str, FieldScore]:
    """Per field true/false positives and false negatives of one document against its
    golden file; recipients count per item, cited documents per document and per
    attribute (``cited.date``, ``cited.issuer``) of the ones found."""
    out: dict[str, FieldScore] = {}
    for f in SCALAR_FIELDS:
        s = out[f] = FieldScore(field=f)
        p = getattr(pred, f)
        pv = p.value if p is not None else None
        gv = gold.get(f)
        if pv is not None and gv is not None and same_value(pv, gv, f):
            s.true_positives += 1
        else:
            s.false_positives += pv is not None
            s.false_negatives += gv is not None
    s = out["recipients"] = FieldScore(field="recipients")
    preds = pred.recipients.value if pred.recipients else []
    tp, fp, fn = _match_items(preds, gold.get("recipients") or [], lambda a, b: same_value(a, b, "raw"))
    s.true_positives, s.false_positives, s.false_negatives = tp, fp, fn
    s = out["cited_documents"] = FieldScore(field="cited_documents")
    golds = gold.get("cited_documents") or []
    used: set[int] = set()
    attrs = {a: FieldScore(field=f"cited.{a}") for a in ("date", "issuer")}
    for g in golds:
        hit = next((k for k, p in enumerate(pred.cited_documents) if k not in used and _same_citation(p, g)), None)
        if hit is None:
            s.false_negatives += 1
            continue
        used.add(hit)
        s.true_positives += 1
        p = pred.cited_documents[hit]
        for a, fs in attrs.items():
            pv, gv = getattr(p, a), g.get(a)
            if pv is not None and gv is not None and same_value(pv, gv, a):
                fs.true_positives += 1
            else:
                fs.false_positives += pv is not None
                fs.false_negatives += gv is not None
    s.false_positives = len(pred.cited_documents) - len(used)
    out.update({fs.field: fs for fs in attrs.values()})
    return out
