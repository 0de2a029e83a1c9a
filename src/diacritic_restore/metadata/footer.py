"""The foot of a document: the signer block (``T/M``, ``K/T``, ``T/L``... with the
signing body, the signer's title and name) and ``Nơi nhận:`` with its list, separated
where OCR interleaved the two columns on one line."""

from __future__ import annotations

import re

from diacritic_restore.metadata.doc import Doc
from diacritic_restore.metadata.patterns import (
    AUTH_RE,
    AUTHORITIES,
    DOTTED_AUTHORITIES,
    SIGNING_BODIES,
    STAMP_RE,
    SURNAMES,
    TITLE_PARTS,
    TITLE_WORDS,
    TITLES,
    canonical_caps,
    clean,
    fuzzy_pick,
    is_caps,
)
from diacritic_restore.metadata.schema import Found, Metadata
from diacritic_restore.text.folding import fold

# a name: Title-case words at the end of what is left of a line, alone or after ". "
# or a wide gap (the other column)
_NAME_RE = re.compile(r"(?:^|\.\s+|\s{3,})((?:[A-ZĐÂĂÊÔƠƯ\u00C0-\u1EF9][^\s\d,.;:()]*\s?){2,5})\s*$")
_LETTER_WORDS_RE = re.compile(r"((?:[^\W\d_]+\.?\s*)+)")
_SPACE_RE = re.compile(r"\s")


def read_footer(doc: Doc, md: Metadata) -> int | None:
    """Recipients and the signer block; returns the line of ``Nơi nhận`` (None when the
    document shows none).  Expects ``md`` without a signer yet."""
    start = _recipients_line(doc)
    # the signer block: anywhere in the last lines
    tail_start = start if start is not None else max(0, len(doc.lines) - 25)
    items: list[str] = []
    for i in range(tail_start, len(doc.lines)):
        line = doc.lines[i]
        if not line.strip():
            continue
        body = _without_label(line, doc.folded[i]) if i == start else line
        # each part of the signer block takes its text out of the line, leaving the
        # recipients' column
        body = _read_authority(md, i, body)
        body = _read_title(md, i, body)
        body = _read_name(md, i, body)
        if start is not None:
            _add_recipient_line(items, body)
    if start is not None:
        recips = [clean(t) for t in items if clean(t)]
        md.recipients = Found(value=recips, line=start + 1, confidence=0.85 if recips else 0.5)
    return start


def _recipients_line(doc: Doc) -> int | None:
    """The ``Nơi nhận`` line (also OCR-damaged) among the last 80 lines, the last one first."""
    for i in range(len(doc.lines) - 1, max(-1, len(doc.lines) - 80), -1):
        head = doc.folded[i].strip()[:9]
        if head.startswith("noi nhan") or (len(head) >= 7 and fuzzy_pick(head[:8], ("noi nhan",), 74)):
            return i
    return None


def _without_label(line: str, f: str) -> str:
    """The ``Nơi nhận:`` line with the label blanked (offsets kept)."""
    k = f.find("nhan")
    body = " " * (k + 4) + line[k + 4:]
    return body.replace(":", " ", 1) if body.strip().startswith(":") else body


def _authority(token: str) -> str:
    """The authority in its canonical form, from its folded token (``t / m`` and ``tm.`` → ``T/M``)."""
    if token.rstrip(".") in DOTTED_AUTHORITIES:
        return DOTTED_AUTHORITIES[token.rstrip(".")]
    return AUTHORITIES.get(_SPACE_RE.sub("", token).rstrip("."), token.upper())


def _read_authority(md: Metadata, i: int, body: str) -> str:
    """``T/M BAN THƯỜNG VỤ``: the first authority and the body signing for; returns the
    line before it."""
    am = AUTH_RE.search(fold(body))
    if not am or md.signing_authority is not None:
        return body
    md.signing_authority = Found(value=_authority(am.group(1)), line=i + 1, confidence=0.9)
    letters = _LETTER_WORDS_RE.match(body[am.end():])
    signing = clean(letters.group(1)) if letters else ""
    if signing and is_caps(signing):
        canon = canonical_caps(signing, SIGNING_BODIES)
        md.signing_body = Found(value=canon, line=i + 1, confidence=0.85 if canon == signing else 0.65)
    return body[:am.start()]


def _caps_tail_start(words: list[str]) -> int:
    """Where the run of capitals ending the line starts (``len(words)`` when there is
    none); a Title-case title word counts when capitals stand before it."""
    k = len(words)
    while k > 0 and words[k - 1].strip(",.;").isalpha() and (
            is_caps(words[k - 1]) or (words[k - 1][:1].isupper() and fold(words[k - 1]) in TITLE_PARTS
                                      and (k - 2 < 0 or is_caps(words[k - 2])))):
        k -= 1
    return k


def _read_title(md: Metadata, i: int, body: str) -> str:
    """The signer's title, after the authority: capitals with a title word in them at the
    end of a line, or a short line alone; returns the line before it."""
    if md.signer_title is not None or md.signing_authority is None:
        return body
    words = body.split()
    k = _caps_tail_start(words)
    alone = k == 0 or (len(words) <= 3 and md.signing_authority.line < i + 1)
    if alone:
        k = 0
    tail = " ".join(words[k:])
    if not tail or (len(words) - k < 2 and not alone) or tail.startswith("("):
        return body
    canon = fuzzy_pick(clean(tail), TITLES, 60 if alone else 75)
    if canon is None and not any(t in fold(tail) for t in TITLE_WORDS):
        return body
    value = clean(tail) if canon is None or fold(canon) == fold(clean(tail)) else canon
    md.signer_title = Found(value=value, line=i + 1, confidence=0.85 if value == clean(tail) else 0.6)
    return " ".join(words[:k])


def _read_name(md: Metadata, i: int, body: str) -> str:
    """The signer's name, after the authority: two to five Title-case words starting with
    a family name; returns the line before it."""
    if md.signer_name is not None or md.signing_authority is None:
        return body
    nm = _NAME_RE.search(body.strip())
    if not nm:
        return body
    cand = clean(nm.group(1))
    ws = cand.split()
    if 2 <= len(ws) <= 5 and ws[0].lower() in SURNAMES and all(w[:1].isupper() and not w.isupper() for w in ws):
        md.signer_name = Found(value=cand, line=i + 1, confidence=0.8)
        return body.strip()[:nm.start(1)] if nm.start(1) else ""
    return body


def _add_recipient_line(items: list[str], body: str) -> None:
    """What is left of a line below ``Nơi nhận``: a new recipient after a dash, or the
    continuation of the last one; capitals (the signer's column) are skipped."""
    body = STAMP_RE.sub("", body).replace("[", " ").replace("|", " ")
    b = body.strip()
    if not b or is_caps(b) and not b.startswith(("-", "+", "•")):
        return
    if b[:1] in "-+•–":
        items.append(b[1:].strip())
    elif items and (b[:1].islower() or b[:1] == "("):
        items[-1] = items[-1] + " " + b
