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

This module runs the regions in order: :mod:`.header` (type line, symbol, issuer,
place and date, subject), :mod:`.footer` (signer block, recipients) and, between the
two, :mod:`.citations`; tables and patterns are in :mod:`.patterns`.
"""

from __future__ import annotations

from typing import Callable

from diacritic_restore.metadata.citations import cited_documents
from diacritic_restore.metadata.doc import Doc
from diacritic_restore.metadata.footer import read_footer
from diacritic_restore.metadata.header import (
    find_type_line,
    letter_block,
    read_body_issuer,
    read_header,
    read_letter_subject,
    read_title_and_subject,
)
from diacritic_restore.metadata.schema import Found, Metadata, PageInfo


def extract(text: str, fix_word: Callable[[str], str | None] | None = None) -> Metadata:
    """Metadata of one document's (restored) text; the file-level fields stay empty.

    ``fix_word`` (e.g. the restorer's ``best_syllable``) mends a signer's name word that
    is no Vietnamese syllable (OCR's ``Diing`` for Dũng): names get no help from the
    language model in the restore."""
    doc = Doc(text)
    md = Metadata()
    found = find_type_line(doc)
    letter = None if found else letter_block(doc)
    # a công văn's place-and-date line stands under its V/v block
    stop = found[0] if found else min(len(doc.lines), max(12, letter[1] + 4) if letter else 12)
    read_header(doc, md, stop, range(*letter) if letter else range(0))
    body_start = read_title_and_subject(doc, md, *found) if found else (
        read_letter_subject(doc, md, letter) if letter else 0)
    if md.issuer is None:
        read_body_issuer(doc, md, body_start)
    footer = read_footer(doc, md)
    body_stop = footer if footer is not None else len(doc.lines)
    own = md.symbol.value if md.symbol else None
    md.cited_documents = [c for c in cited_documents(doc, body_start, body_stop) if c.symbol != own or own is None]
    if md.signer_name is not None and fix_word is not None:
        md.signer_name = _mended_name(md.signer_name, fix_word)
    _to_text_lines(md, doc)
    return md


def _to_text_lines(md: Metadata, doc: Doc) -> None:
    """Every found value's line as the text numbers it (the extractor's own lines split
    flattened headers)."""
    for name in type(md).model_fields:
        v = getattr(md, name)
        if isinstance(v, Found):
            v.line = doc.text_line(v.line)
    for c in md.cited_documents:
        c.line = doc.text_line(c.line)


def _mended_name(name: Found[str], fix_word: Callable[[str], str | None]) -> Found[str]:
    """The signer's name with each word that is no syllable replaced by ``fix_word``'s
    pick (less sure then); the name itself when every word is one."""
    from diacritic_restore.text.syllable import is_valid

    words = name.value.split()
    fixed = [w if is_valid(w.lower()) else (fix_word(w) or w) for w in words]
    if fixed == words:
        return name
    return Found(value=" ".join(fixed), line=name.line, confidence=0.6)


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
