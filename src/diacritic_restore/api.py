"""The Python API: ``restore(text)`` and ``restore_detailed(text)``."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Callable, Literal

from pydantic import BaseModel, Field

from diacritic_restore.restore import loader as modelmod
from diacritic_restore.restore.result import Alternative, RestoreResult, TokenResult, restore_detailed_with
from diacritic_restore.restore.settings import Settings

ToneStyleOption = Literal["keep", "old", "new"]

__all__ = ["Alternative", "NormalizeResult", "RestoreResult", "TokenResult", "normalize", "restore", "restore_detailed"]


class NormalizeResult(BaseModel):
    """Text in NFC UTF-8 with how it was read and what was repaired."""

    text: str
    encoding: str = Field(description="the input encoding, detected or given")
    confidence: float = Field(ge=0.0, le=1.0, description="how sure the detection is (1 when given)")
    repairs: dict[str, int] = Field(description="text-layer repairs made, by kind")
    tone_styles: dict[str, int] = Field(description="words showing the old (hòa) and new (hoà) placement")
    tone_style: str = Field(description="the document's style: old, new or none")
    encoding_scores: dict[str, float] = Field(
        default_factory=dict, description="each reading detection tried: share of words that are valid marked "
        "syllables (broken words counted against); a legacy reading beats valid UTF-8 only far ahead of it")
    margin_over_utf8: float | None = Field(
        None, description="the chosen reading's score minus UTF-8's (negative: UTF-8 kept though another scored "
        "higher, without the overwhelming evidence a legacy reading needs)")
    not_vietnamese_lines: list[int] = Field(
        default_factory=list, description="lines (1-based) of prose in another language: restore leaves them alone")


def normalize(
    data: bytes | str,
    *,
    encoding: str | None = None,
    tone_style: ToneStyleOption = "keep",
    name: str = "input",
) -> NormalizeResult:
    """Read any Vietnamese encoding (bytes) or text, repair text-layer damage, NFC."""
    from diacritic_restore.text.decoding import decode_bytes_report
    from diacritic_restore.text.language import not_vietnamese_lines
    from diacritic_restore.text.repairs import apply_tone_style, repair, tone_styles

    scores: dict[str, float] = {}
    margin = None
    if isinstance(data, (bytes, bytearray)):
        decoded = decode_bytes_report(bytes(data), name, encoding)
        text, enc, conf, scores = decoded
        margin = decoded.margin_over_utf8
    else:
        _check_text(data, "normalize")
        text, enc, conf = data, "unicode", 1.0
    text, repairs = repair(text, _known_syllables())
    styles = tone_styles(text)
    text = apply_tone_style(text, tone_style)
    doc_style = "none" if not any(styles.values()) else ("old" if styles["old"] > styles["new"] else "new")
    return NormalizeResult(text=text, encoding=enc, confidence=conf, repairs=repairs, tone_styles=styles,
                           tone_style=doc_style, encoding_scores={k: round(v, 4) for k, v in scores.items()},
                           margin_over_utf8=margin, not_vietnamese_lines=not_vietnamese_lines(text))


def restore(
    text: str,
    *,
    tone_style: ToneStyleOption = "keep",
    model_dir: str | os.PathLike | None = None,
    settings: Settings | None = None,
) -> str:
    """Restore Vietnamese diacritics and repair OCR damage in ``text``; returns NFC text."""
    _check_text(text, "restore")
    return modelmod.load(model_dir, settings).restore(text, tone_style)


def restore_detailed(
    text: str,
    *,
    tone_style: ToneStyleOption = "keep",
    model_dir: str | os.PathLike | None = None,
    settings: Settings | None = None,
) -> RestoreResult:
    """Like :func:`restore`, with each word's choice, alternatives and confidence."""
    _check_text(text, "restore_detailed")
    return restore_detailed_with(modelmod.load(model_dir, settings), text, tone_style)


@lru_cache(maxsize=1)
def _known_syllables() -> Callable[[str], bool] | None:
    """Syllables the shipped lexicon has seen in running text: what ``normalize`` may
    join two syllable-like parts into (``to àn`` → ``toàn``, never ``do ảnh``)."""
    from diacritic_restore.models import store
    from diacritic_restore.restore import lexicon
    from diacritic_restore.text.syllable import canonical

    try:
        lex = lexicon.load(store.default_model_dir() / store.LEXICON.name)
    except (OSError, lexicon.LexiconFormatError, ValueError):
        return None  # without a lexicon two syllables are never joined
    seen = frozenset(w for w, c in zip(lex.words, lex.counts) if c > 0)
    return lambda w: canonical(w) in seen


def _check_text(text: object, fn: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{fn}() takes the text as a str, not {type(text).__name__}"
                        + (" (read bytes with normalize() first)" if isinstance(text, (bytes, bytearray)) else ""))
