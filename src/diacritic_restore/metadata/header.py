"""The head of a document: the type line, number and symbol, the issuer block, the
place-date line, the title with its subject, and the issuer named in the first lines of
the body when the header shows none."""

from __future__ import annotations

import re

from diacritic_restore.metadata.doc import Doc
from diacritic_restore.metadata.patterns import (
    DATE_NUM_RE,
    DATE_WORDS_RE,
    ORG_START,
    SO_RE,
    TYPE_BY_KEY,
    TYPE_NAMES,
    TYPE_RE,
    blank_headings,
    clean,
    fuzzy_pick,
    is_caps,
    iso_date,
    symbol_at,
    symbol_text,
)
from diacritic_restore.metadata.schema import Found, Metadata
from diacritic_restore.text.folding import fold

# "Số: " left in front of a place when OCR flattened "Số ... Place, ngày" onto one line
_SO_PREFIX_RE = re.compile(r"^(?:Số|SỐ|số)\s*:?\s*")
# "…, ngày 03 tháng 12 năm 2025": the place-and-date line ends a subject block
_DATE_LINE_RE = re.compile(r"ngay\s+\d{1,2}\s+thang")
_BODY_OPENINGS = ("can cu ", "thuc hien ", "kinh gui", "dieu 1", "xet ", "theo de nghi", "nham ")
_SHORT_ISSUER_WORDS = frozenset({"bo", "so", "cuc", "ban", "vien", "hoi", "va"})
# "I. ..." or "1. ...": the first section of the body, no longer the subject
_SECTION_RE = re.compile(r"^[IVX]+\.\s|^\d+\.\s")
# "... báo cáo như sau:", "... ban hành chương trình ...": the issuer's name stands before it
_ISSUES_RE = re.compile(r"(bao cao|ban hanh|thong bao|huong dan|chi thi|ket luan|quyet dinh)\s+"
                        r"(nhu sau|chuong trinh|ke hoach)")


def find_type_line(doc: Doc) -> tuple[int, str] | None:
    """The line naming the document's type: a short ALL-CAPS line near the top."""
    for i in doc.nonblank(0, 60):
        line = doc.lines[i].strip()
        f = doc.folded[i].strip()
        if not is_caps(line):
            continue
        if len(f) > 40:
            # type and subject on one line ("NGHỊ ĐỊNH SỬA ĐỔI, BỔ SUNG …": a text layer or
            # an OCR that merged the two): only an exact type name opens it
            merged = next((name for key, name in TYPE_NAMES if f.startswith(key + " ")), None)
            if merged is not None:
                return i, merged
            continue
        for key, name in TYPE_NAMES:
            if f == key or f.startswith(key + " "):
                return i, name
        # OCR-damaged ("NGH QUYẾT"): the first two words near a type name
        head = " ".join(f.split()[:len(f.split()) if len(f.split()) <= 3 else 2])
        pick = fuzzy_pick(head, tuple(k for k, _ in TYPE_NAMES if len(k) >= 6), 84)
        if pick is not None:
            return i, TYPE_BY_KEY[pick]
    return None


def read_header(doc: Doc, md: Metadata, stop: int, skip: range = range(0)) -> None:
    """Number, symbol, place, date and the issuer block, from the lines above the type
    (``skip``: a công văn's ``V/v`` block, no part of its issuer)."""
    issuer_parts: list[tuple[int, str]] = []
    for i in range(0, stop):
        line, f = doc.lines[i], doc.folded[i]
        if not line.strip() or i in skip:
            continue
        if md.date is None:
            _read_place_date(md, i, line, f)
        if md.symbol is None:
            _read_symbol(md, i, line, f)
        part = _issuer_part(line, f)
        if part is not None:
            issuer_parts.append((i, part))
    if issuer_parts:
        _set_issuers(md, _issuer_units(issuer_parts))


def _read_place_date(md: Metadata, i: int, line: str, f: str) -> None:
    """The place-date line: "Sóc Trăng, ngày 23 tháng 12 năm 2022"."""
    m = DATE_WORDS_RE.search(f) or DATE_NUM_RE.search(f)
    if not m:
        return
    comma = f.rfind(",", 0, m.start())
    head = f[:comma if comma >= 0 else m.start()]
    # the place follows the symbol when OCR flattened "Số ... Place, ngày"
    sm = symbol_at(line, 0)
    lead = f[:sm.start()].strip() if sm is not None else ""
    flattened = sm is not None and sm.end() <= len(head) and (not lead or SO_RE.fullmatch(lead) is not None)
    pstart = sm.end() if flattened else 0
    if not _place_before_date(line[pstart:len(head)], f[len(head):m.start()], line[m.end():]):
        return  # "… Nghị định số 12/2020/NĐ-CP ngày 5 tháng 3 …", "nộp trước ngày …": not the document's
    iso = iso_date(*m.groups())
    conf = 0.95 if m.group(1) else 0.85
    glued = f[m.end(1):m.end(1) + 1] if m.group(1) else ""
    if glued and glued in "|!l":  # OCR's 1 glued to the day ("3|" for 31): a guess, said so
        iso, conf = iso_date(m.group(1) + "1", *m.groups()[1:]) or iso, 0.5
    if iso:
        md.date = Found(value=iso, line=i + 1, confidence=conf)
    place = clean(line[pstart:len(head)])
    place = _SO_PREFIX_RE.sub("", place)
    if place and len(place.split()) <= 5 and not any(c.isdigit() for c in place):
        md.place = Found(value=place, line=i + 1, confidence=0.9)


def _place_before_date(place: str, between: str, after: str) -> bool:
    """Is this a place-and-date line: nothing or a place name (a few capitalised words
    without digits or a document type) right before the date, and the line ending with
    it?  A date inside a sentence ("nộp trước ngày …") or of a cited document is not
    the document's."""
    words = place.replace(",", " ").split()
    rest = after.strip(" .;:)")
    # the line may run on into a flattened heading ("… năm 2022 NGHỊ ĐỊNH VỀ …"), not a sentence
    if between.strip(" ,") or (len(rest) > 3 and not is_caps(rest)):
        return False
    lower = sum(not w[:1].isupper() for w in words)  # "Thành phố Hồ Chí Minh": one at most
    return not words or (len(words) <= 6 and not any(c.isdigit() for c in place) and words[0][:1].isupper()
                         and lower <= 1 and not TYPE_RE.search(fold(place)))


def _read_symbol(md: Metadata, i: int, line: str, f: str) -> None:
    """The document's own number and symbol: "Số 15-CT/TU" / "Số: 45/KH-UBND"."""
    for so in SO_RE.finditer(f):
        sm = symbol_at(line, so.end())
        if sm and sm.start() - so.end() <= 3:
            md.symbol = Found(value=symbol_text(sm), line=i + 1, confidence=0.95)
            md.number = Found(value=sm.group("num"), line=i + 1, confidence=0.95)
            return


def _issuer_part(line: str, f: str) -> str | None:
    """A line of the issuer block: capitals that are not the national heading, a date or a symbol."""
    keep = blank_headings(line, f)
    if SO_RE.match(fold(keep.strip())) or DATE_WORDS_RE.search(fold(keep)):
        return None
    cand = clean(keep)
    # a body's name broken after a short word ("BỘ / TÀI CHÍNH", "CỤC / HẢI QUAN", "VÀ")
    short = fold(cand) in _SHORT_ISSUER_WORDS
    if cand and is_caps(cand) and (len(cand) >= 4 or short) and not any(c.isdigit() for c in cand):
        return cand
    return None


def _issuer_units(parts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The issuer block's lines joined into bodies: a line that does not start a body's
    name continues the one above (a wrapped issuer line)."""
    units: list[tuple[int, str]] = []
    for i, part in parts:
        if units and not (fold(part) + " ").startswith(ORG_START):
            units[-1] = (units[-1][0], units[-1][1] + " " + part)
        else:
            units.append((i, part))
    return units


def _set_issuers(md: Metadata, units: list[tuple[int, str]]) -> None:
    """The last body of the block issues the document; the one above it is its parent."""
    li, issuer = units[-1]
    md.issuer = Found(value=issuer, line=li + 1, confidence=0.85)
    if len(units) >= 2:
        pi, parent = units[-2]
        md.parent_issuer = Found(value=parent, line=pi + 1, confidence=0.75)


def read_title_and_subject(doc: Doc, md: Metadata, tline: int, tname: str) -> int:
    """Type, "CỦA <issuer>" and the subject lines; returns where the body starts."""
    md.document_type = Found(value=tname, line=tline + 1, confidence=0.95)
    rest = _after_type(doc.lines[tline].strip(), tname)
    if len(doc.folded[tline].strip()) > 40 and len(rest.split()) >= 2:  # the subject runs on the type's line
        md.subject = Found(value=clean(rest), line=tline + 1, confidence=0.8)
        return tline + 1
    i = tline + 1
    nxt = list(doc.nonblank(i, i + 4))
    if nxt and doc.folded[nxt[0]].strip().startswith("cua ") and is_caps(doc.lines[nxt[0]]):
        if md.issuer is None:
            md.issuer = Found(value=clean(doc.lines[nxt[0]].strip()[4:]), line=nxt[0] + 1, confidence=0.8)
        i = nxt[0] + 1
    first, parts, end = _subject_block(doc, i)
    if parts and first is not None:
        md.subject = Found(value=clean(" ".join(parts)), line=first + 1, confidence=0.8)
    return end


def _after_type(line: str, tname: str) -> str:
    """What follows the type's words on its line (``NGHỊ ĐỊNH SỬA ĐỔI …`` → ``SỬA ĐỔI …``)."""
    words = line.split()
    n = len(tname.split())
    return " ".join(words[n:]) if len(words) > n else ""


def _subject_block(doc: Doc, i: int) -> tuple[int | None, list[str], int]:
    """The subject: up to four lines of the next block from line ``i`` (stray marks of a
    broken text layer skipped).  Its first line, its lines, and the line after it."""
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
        if parts and _SECTION_RE.match(line):
            break
        # the body begins: its opening words, or sentence case after a subject in capitals
        if parts and (fold(line).startswith(_BODY_OPENINGS) or (is_caps(parts[0]) and not is_caps(line))):
            break
        if first is None:
            first = j
        parts.append(line)
        j += 1
        if len(parts) >= 4:
            break
    return first, parts, j


def read_body_issuer(doc: Doc, md: Metadata, start: int) -> None:
    """"…, Ban Thường vụ Đảng uỷ Khối … báo cáo như sau:" names the issuer."""
    text = " ".join(doc.lines[start:start + 15])
    f = fold(text)
    m = _ISSUES_RE.search(f)
    if not m:
        return
    comma = max(f.rfind(",", 0, m.start()), f.rfind(";", 0, m.start()))
    cand = clean(text[comma + 1:m.start()])
    if cand and cand[:1].isupper() and fold(cand).startswith(ORG_START) and len(cand.split()) <= 14:
        lines = range(start, min(start + 15, len(doc.lines)))
        line = next((k for k in lines if cand.split()[0] in doc.lines[k]), start)
        md.issuer = Found(value=cand, line=line + 1, confidence=0.6)


def letter_block(doc: Doc) -> tuple[int, int] | None:
    """A document with no type line but a ``V/v …`` line ("về việc", under its number)
    is a công văn (Nghị định 30/2020, Phụ lục I: the official letter prints no type
    name).  The first and the after-last line of its ``V/v`` block: the line and those
    running on until a blank or the place-and-date line; None when there is none."""
    for i in doc.nonblank(0, 30):
        f = doc.folded[i].strip()
        if not (f.startswith("v/v ") or f.startswith("v/v:") or f.startswith("v/v.")):
            continue
        j = i + 1
        while j < len(doc.lines) and j < i + 4 and doc.lines[j].strip() and not _DATE_LINE_RE.search(doc.folded[j]):
            j += 1
        return i, j
    return None


def read_letter_subject(doc: Doc, md: Metadata, block: tuple[int, int]) -> int:
    """The công văn's type (less sure: inferred from its form) and subject from its
    ``V/v`` block; returns the line after it."""
    i, j = block
    parts = [doc.lines[i].strip()[3:].lstrip(" :.")] + [doc.lines[k].strip() for k in range(i + 1, j)]
    md.document_type = Found(value="Công văn", line=i + 1, confidence=0.85)
    if md.subject is None and parts[0]:
        md.subject = Found(value=clean(" ".join(parts)), line=i + 1, confidence=0.8)
    return j
