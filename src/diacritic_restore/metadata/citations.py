"""Documents the body cites: "Nghị quyết số 21-NQ/TW, ngày 16/6/2022 của Ban Chấp hành
Trung ương", numbers without symbols ("Quy định số 97, 98 của Ban Bí thư"), specific
unnumbered documents ("Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIV") and bare symbols
whose code names the type when OCR garbled the type's name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from diacritic_restore.metadata.doc import Doc
from diacritic_restore.metadata.patterns import (
    DATE_NUM_RE,
    FULL_DATE_WORDS_RE,
    ISSUER_STOP,
    ORG_WORDS,
    SYMBOL_RE,
    TYPE_BY_KEY,
    TYPE_RE,
    clean,
    iso_date,
    symbol_key,
    symbol_text,
    type_of_code,
)
from diacritic_restore.metadata.schema import CitedDocument
from diacritic_restore.text.folding import fold

# ", " between a mention and its date.  After a type name the date may also be
# "ban hành ngày 16/6/2022" or written in words; after a bare symbol only in figures.
_LEAD = r"\s*,?\s*"
_DATES_AFTER_TYPE = (re.compile(_LEAD + r"(?:ban hanh\s+)?" + DATE_NUM_RE.pattern),
                     re.compile(_LEAD + FULL_DATE_WORDS_RE.pattern))
_DATES_AFTER_SYMBOL = (re.compile(_LEAD + DATE_NUM_RE.pattern),)

_PUNCT_STOP = re.compile(r"[,;:()\[\]“”\"]|\.(?:\s|$)")
_TERM_RE = re.compile(r"\s*\(k\w{2,4}\s+[ivxlc]+\)")  # "(khoá XII)"
_SPACED_WORD_RE = re.compile(r"\s(\S+)")
_CUA_RE = re.compile(r"\s*,?\s*cua\s+")
_SO_WORD_RE = re.compile(r"\s*(?:so\s*)?")
_LIST_COMMA_RE = re.compile(r"\s*,\s*")
_NUMBERS_RE = re.compile(r"\s*so\s*(\d{1,5}(?:\s*,\s*\d{1,5})*)(?![\d/-])")
_DIGITS_RE = re.compile(r"\d+")
# a capitalised word right after the type name; it names the document when it starts
# an occasion or a body ("Đại hội", "Trung ương", "Hội nghị", "Đảng bộ", "Ban", "Bộ")
_NAMED_RE = re.compile(r"\s+([A-ZĐÂĂÊÔƠƯ][^\s,;.()]*)")
_NAMED_BY = ("dai", "trung", "hoi", "dang", "ban", "bo")
_PARENS_RE = re.compile(r"\s*\(.*?\)")
_TERM_SPLIT_RE = re.compile(r"\s(?:lan thu|nhiem ky|khoa)\s")
# "… sẽ ban hành Nghị quyết …": a document still to be written, not a cited one
_PLANNED_RE = re.compile(r"(ban hanh|xay dung|nghien cuu|du thao|soan thao)\s*$")
_SO_BEFORE_RE = re.compile(r"(\S+\s+){0,2}so\s*$")


@dataclass
class _Body:
    """The body as one string (line breaks as spaces), its folded copy and, for each
    character, the index of the line it is on."""

    text: str
    ftext: str
    owners: list[int]

    def line(self, pos: int) -> int:
        """The 1-based line of the character at ``pos``."""
        return self.owners[pos] + 1

    def raw_end(self, issuer: str | None, end: int) -> int:
        """Where a mention ends: after its issuer when the issuer follows ``end``."""
        if issuer:
            k = self.ftext.find(fold(issuer), end)
            if k >= 0:
                return k + len(issuer)
        return end


@dataclass
class _Mention:
    """A document type named in capitals in the body (its name's start and end)."""

    start: int
    end: int
    type: str


@dataclass
class _Collected:
    """The documents found so far, and what tells a new one from one found before."""

    docs: list[CitedDocument] = field(default_factory=list)
    # documents with a symbol, by symbol and by symbol_key (one symbol garbled two ways)
    by_symbol: dict[str, CitedDocument] = field(default_factory=dict)
    # "type|number" and type-and-issuer keys of the documents cited without a symbol
    seen: set[str] = field(default_factory=set)

    def add_symbolled(self, sym: str, cd: CitedDocument) -> None:
        self.by_symbol[sym] = self.by_symbol[symbol_key(sym)] = cd
        self.docs.append(cd)


def cited_documents(doc: Doc, start: int, stop: int) -> list[CitedDocument]:
    """Documents the body (lines ``start`` to ``stop``) refers to, in the order of their lines."""
    body = _join_body(doc, start, stop)
    found = _Collected()
    for m in TYPE_RE.finditer(body.ftext):
        # a lower-case type is generic ("các nghị quyết, chỉ thị của Đảng")
        if body.text[m.start()].isupper():
            _typed_mention(body, found, _Mention(m.start(), m.end(), TYPE_BY_KEY[m.group(1)]))
    _bare_symbols(body, found)
    # "Quy định số 213 của Bộ Chính trị" after "Quy định 213-QĐ/TW": one document
    out = found.docs
    numbered = {(c.type, c.number) for c in out if c.symbol}
    out = [c for c in out if c.symbol or c.number is None or (c.type, c.number) not in numbered]
    out.sort(key=lambda c: c.line)
    return out


def _join_body(doc: Doc, start: int, stop: int) -> _Body:
    pieces, owners = [], []
    for i in range(start, stop):
        ln = doc.lines[i]
        pieces.append(ln + " ")
        owners.extend([i] * (len(ln) + 1))
    text = "".join(pieces)
    return _Body(text, fold(text), owners)


def _typed_mention(body: _Body, found: _Collected, mention: _Mention) -> None:
    """What follows a type name says which document it is: symbols, numbers, or an
    issuer or occasion that makes an unnumbered one specific."""
    syms = _symbols_after(body, mention.end)
    date, end = _date_after(body.ftext, syms[-1].end() if syms else mention.end, _DATES_AFTER_TYPE)
    if syms:
        _add_symbolled(body, found, mention, syms, date, end)
        return
    nums = _NUMBERS_RE.match(body.ftext[mention.end:])
    if nums:
        _add_numbered(body, found, mention, mention.end + nums.end(), nums.group(1), date)
    else:
        _add_unnumbered(body, found, mention, date, end)


def _symbols_after(body: _Body, pos: int) -> list[re.Match[str]]:
    """The symbols right after a type name, "số" before them and commas between
    ("số 21-NQ/TW, 22-NQ/TW"), as long as their codes start with a capital."""
    so = _SO_WORD_RE.match(body.ftext[pos:])
    sym_start = pos + (so.end() if so else 0)
    syms = []
    sm = SYMBOL_RE.match(body.text, sym_start)
    while sm and sm.group("code")[:1].isupper():
        syms.append(sm)
        nxt = _LIST_COMMA_RE.match(body.text[sm.end():])
        sm2 = SYMBOL_RE.match(body.text, sm.end() + nxt.end()) if nxt else None
        sm = sm2 if sm2 and sm2.group("code")[:1].isupper() else None
    return syms


def _date_after(ftext: str, pos: int, patterns: tuple[re.Pattern[str], ...]) -> tuple[str | None, int]:
    """The date right at ``pos`` (ISO 8601; None when there is none or it is no valid
    date) and where it ends (``pos`` when there is none)."""
    for p in patterns:
        dm = p.match(ftext[pos:])
        if dm:
            return iso_date(*dm.groups()), pos + dm.end()
    return None, pos


def _add_symbolled(body: _Body, found: _Collected, mention: _Mention, syms: list[re.Match[str]],
                   date: str | None, end: int) -> None:
    """One document per symbol; a symbol cited before gets the date and issuer it lacked."""
    issuer = _issuer_after(body.text, body.ftext, end)
    raw = clean(body.text[mention.start:body.raw_end(issuer, end)])
    for sm in syms:
        sym = symbol_text(sm)
        code_type = type_of_code(sm.group("code"))
        prev = found.by_symbol.get(sym) or found.by_symbol.get(symbol_key(sym))
        if prev is not None and prev.date and date and prev.date != date:
            prev = None  # two documents of one symbol (07-NQ/TU of 2008 and of 2018)
        if prev is not None:
            prev.date = prev.date or date
            prev.issuer = prev.issuer or issuer
            continue
        found.add_symbolled(sym, CitedDocument(
            type=code_type or mention.type, number=sm.group("num"), symbol=sym, date=date, issuer=issuer,
            raw=raw, line=body.line(mention.start), confidence=0.95 if code_type == mention.type else 0.8))


def _add_numbered(body: _Body, found: _Collected, mention: _Mention, end: int, numbers: str,
                  date: str | None) -> None:
    """Numbers without symbols ("Quy định số 97, 98, 287 của Ban Bí thư"): one document each."""
    issuer = _issuer_after(body.text, body.ftext, end)
    raw = clean(body.text[mention.start:body.raw_end(issuer, end)])
    for num in _DIGITS_RE.findall(numbers):
        key = f"{mention.type}|{num}"
        if key in found.seen:
            continue
        found.seen.add(key)
        found.docs.append(CitedDocument(type=mention.type, number=num, symbol=None, date=date, issuer=issuer,
                                        raw=raw, line=body.line(mention.start), confidence=0.7))


def _add_unnumbered(body: _Body, found: _Collected, mention: _Mention, date: str | None, end: int) -> None:
    """An unnumbered document, only a specific one: named by its issuer or occasion,
    cited (not planned), and not the same one named again with its term."""
    named = _unnumbered_issuer(body, mention, end)
    if named is None:
        return
    issuer, raw_end = named
    raw = clean(body.text[mention.start:raw_end])
    # the same resolution named again with its term ("lần thứ XIV" / "nhiệm kỳ ...")
    key = _TERM_SPLIT_RE.split(_PARENS_RE.sub("", fold(f"{mention.type} {issuer}")))[0]
    planned = _PLANNED_RE.search(body.ftext[max(0, mention.start - 30):mention.start])
    if key in found.seen or len(raw.split()) < 2 or planned:
        return
    found.seen.add(key)
    found.docs.append(CitedDocument(type=mention.type, number=None, symbol=None, date=date, issuer=issuer, raw=raw,
                                    line=body.line(mention.start), confidence=0.6))


def _unnumbered_issuer(body: _Body, mention: _Mention, end: int) -> tuple[str, int] | None:
    """What makes an unnumbered document specific, and where its mention ends: the body
    after "của", else an occasion or body right after the type ("Nghị quyết Đại hội …")."""
    issuer = _issuer_after(body.text, body.ftext, end)
    named = _NAMED_RE.match(body.text[mention.end:])
    if issuer is None and named and fold(named.group(1)) in _NAMED_BY:
        s = mention.end + named.start(1)
        e = _issuer_end(body.text, body.ftext, s)
        return clean(body.text[s:e]), s + len(body.text[s:e].rstrip())
    if issuer is not None:
        # no fallback when the issuer is not found verbatim (unlike _Body.raw_end)
        return issuer, body.ftext.find(fold(issuer), end) + len(issuer)
    return None


def _bare_symbols(body: _Body, found: _Collected) -> None:
    """A symbol whose code names a type, where OCR garbled the type word ("K& hoạch
    số 80-KH/TU"), and which no typed mention has taken."""
    for sm in SYMBOL_RE.finditer(body.text):
        code = sm.group("code")
        sym = symbol_text(sm)
        tname = type_of_code(code) if code[:1].isupper() else None
        if tname is None or sym in found.by_symbol or symbol_key(sym) in found.by_symbol or "/" not in sym:
            continue
        date, end = _date_after(body.ftext, sm.end(), _DATES_AFTER_SYMBOL)
        issuer = _issuer_after(body.text, body.ftext, end)
        raw = clean(body.text[_bare_mention_start(body, sm.start()):body.raw_end(issuer, end)])
        found.add_symbolled(sym, CitedDocument(type=tname, number=sm.group("num"), symbol=sym, date=date,
                                               issuer=issuer, raw=raw, line=body.line(sm.start()), confidence=0.7))


def _bare_mention_start(body: _Body, pos: int) -> int:
    """Where the mention of a bare symbol at ``pos`` starts: up to two words before its
    "số" (the garbled type), else the word before the symbol."""
    start = max(body.text.rfind(" ", 0, max(pos - 1, 0)), 0)
    so = _SO_BEFORE_RE.search(body.ftext[max(0, pos - 25):pos])
    if so:
        start = max(0, pos - 25) + so.start()
    return start


# ------------------------------------------------------------------ the issuer after a mention


def _issuer_after(text: str, ftext: str, pos: int) -> str | None:
    """The body named after "của" at ``pos``: up to punctuation or a verb that ends it."""
    m = _CUA_RE.match(ftext[pos:])
    if not m:
        return None
    s = pos + m.end()
    if not text[s:s + 1].isupper():
        return None
    end = _issuer_end(text, ftext, s)
    cand = clean(text[s:end])
    words = cand.split()
    return " ".join(words[:12]) if words else None


def _issuer_end(text: str, ftext: str, s: int) -> int:
    """Where an issuer's name starting at ``s`` ends: punctuation, or a lower-case
    word that cannot be part of it (``khoá XIII`` and ``Đảng`` can)."""
    end = len(text)
    mm = _PUNCT_STOP.search(ftext, s)
    if mm:
        end = mm.start()
    term = _TERM_RE.match(ftext[end:])
    if term:  # "Trung ương 4 (khoá XII)": the term belongs to the name
        return end + term.end()
    for mm in ISSUER_STOP.finditer(ftext, s, end):
        if text[mm.start() + 1].islower():
            end = mm.start()
            break
    # two lower-case words that name no part of a body end it ("... Đảng me nâng ..."
    # where OCR garbled về); one alone may be a garbled part of the name
    words = list(_SPACED_WORD_RE.finditer(text[s:end]))
    for a, b in zip(words, words[1:] + [None]):
        if _foreign(a.group(1)) and (b is None or _foreign(b.group(1))):
            return s + a.start()
    return end


def _foreign(w: str) -> bool:
    """A lower-case word that is no part of a body's name."""
    return w[:1].islower() and fold(w).strip(".,’'\"") not in ORG_WORDS
