"""Text normalisation and tokenisation shared by training and restoration.

Every text enters as NFC.  The tokeniser keeps every character of the input (words,
spaces, punctuation) so that restoration can write the text back with only the words
changed; it also decides which tokens are document symbols and numbers that must pass
through untouched.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator, NamedTuple

from diacritic_restore.text.syllable import is_valid

# Kinds of token.
WORD, SYMBOL, NUMBER, SPACE, PUNCT = "w", "s", "n", " ", "p"

# One pass over the text.  A "compound" is letters/digits joined by - / . , : (document
# symbols 15-CT/TU, dates 16/6/2022, numbers 3.428 and 89,90%); a plain word is a run of
# letters/digits; anything else is one punctuation character or a run of spaces.
_TOKEN_RE = re.compile(
    r"(?P<c>[^\W_]+(?:[-/.,:][^\W_]+)+%?)|(?P<w>[^\W_]+%?)|(?P<s>\s+)|(?P<p>.)",
    re.S,
)
_NUMBER_RE = re.compile(r"^[0-9]+(?:[.,][0-9]+)*%?$")
_HAS_DIGIT_RE = re.compile(r"[0-9]")
_COMPOUND_SEP_RE = re.compile(r"([-/.,:])")


class Token(NamedTuple):
    kind: str
    text: str
    start: int


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalize_text(text: str) -> str:
    """NFC, with line endings unified and a byte-order mark dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text)


def _split_compound(text: str, start: int) -> Iterator[Token]:
    """Hyphen-joined syllables (``Bà Rịa-Vũng Tàu``) are words; anything else is a symbol."""
    parts = _COMPOUND_SEP_RE.split(text)
    words = parts[0::2]
    seps = parts[1::2]
    if (
        seps
        and all(s == "-" for s in seps)
        and all(w.isalpha() and not (w.isupper() and len(w) > 1 and not is_valid(w)) for w in words)
        and sum(is_valid(w) for w in words) == len(words)
    ):
        pos = start
        for i, w in enumerate(words):
            yield Token(WORD, w, pos)
            pos += len(w)
            if i < len(seps):
                yield Token(PUNCT, seps[i], pos)
                pos += 1
        return
    kind = NUMBER if _NUMBER_RE.match(text) else SYMBOL
    yield Token(kind, text, start)


def tokenize(text: str) -> list[Token]:
    """Split NFC text into tokens that concatenate back to the text exactly."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        s = m.group()
        if kind == "c":
            out.extend(_split_compound(s, m.start()))
        elif kind == "w":
            out.append(Token(NUMBER if _NUMBER_RE.match(s) else WORD, s, m.start()))
        elif kind == "s":
            out.append(Token(SPACE, s, m.start()))
        else:
            out.append(Token(PUNCT, s, m.start()))
    return out


def has_digit(s: str) -> bool:
    return _HAS_DIGIT_RE.search(s) is not None


# --- the language model's view of a text ----------------------------------------

BOS, EOS, NUM, UNK = "<s>", "</s>", "<num>", "<unk>"


def lm_token(tok: Token) -> str | None:
    """The LM symbol of a token; None for spaces (and for punctuation, which breaks)."""
    if tok.kind == WORD:
        low = tok.text.lower()
        if is_valid(low):
            return low
        if low.isdigit():
            return NUM
        return UNK
    if tok.kind == NUMBER:
        return NUM
    if tok.kind == SYMBOL:
        return UNK
    return None


def is_break(tok: Token) -> bool:
    """Punctuation and paragraph breaks end an LM segment; single line breaks do not,
    because OCR and PDF text wrap lines in the middle of sentences."""
    if tok.kind == PUNCT:
        return tok.text not in "-–"  # a dash inside a sentence keeps the context
    if tok.kind == SPACE:
        return tok.text.count("\n") >= 2
    return False


def lm_segments(text: str) -> Iterator[list[str]]:
    """LM symbols of a text, cut into segments at breaks (without <s>, </s>)."""
    seg: list[str] = []
    for tok in tokenize(normalize_text(text)):
        if is_break(tok):
            if seg:
                yield seg
                seg = []
            continue
        sym = lm_token(tok)
        if sym is not None:
            seg.append(sym)
    if seg:
        yield seg


def is_title(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def segments_and_case(text: str) -> tuple[list[list[str]], dict[str, int], dict[str, int]]:
    """``lm_segments`` in one pass, plus case evidence: for each syllable (lower case),
    how often it follows another word on its line (mid-sentence) and how often it is
    Title-case there.  ``Đảng`` is capitalised mid-sentence, ``đang`` never is."""
    segs: list[list[str]] = []
    title: dict[str, int] = {}
    mid: dict[str, int] = {}
    seg: list[str] = []
    prev_word = False
    for tok in tokenize(normalize_text(text)):
        kind = tok.kind
        if kind == SPACE:
            if "\n" in tok.text:
                prev_word = False
            if tok.text.count("\n") >= 2 and seg:
                segs.append(seg)
                seg = []
            continue
        if is_break(tok):
            if seg:
                segs.append(seg)
                seg = []
            prev_word = False
            continue
        sym = lm_token(tok)
        if sym is None:
            prev_word = False
            continue
        seg.append(sym)
        if kind == WORD and prev_word and sym[0] != "<":
            mid[sym] = mid.get(sym, 0) + 1
            if is_title(tok.text):
                title[sym] = title.get(sym, 0) + 1
        prev_word = kind in (WORD, NUMBER)
    if seg:
        segs.append(seg)
    return segs, title, mid
