"""The Python API: ``restore(text)`` and ``restore_detailed(text)``."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, Field

from diacritic_restore.restore import loader as modelmod
from diacritic_restore.restore.decode import Settings

ToneStyleOption = Literal["keep", "old", "new"]


class Alternative(BaseModel):
    text: str
    probability: float


class TokenResult(BaseModel):
    """One restored word: where it was, what it was, what it became and how sure we are."""

    start: int = Field(description="character offset in the NFC-normalised input")
    end: int
    original: str
    output: str
    changed: bool
    confidence: float = Field(ge=0.0, le=1.0)
    alternatives: list[Alternative]


class RestoreResult(BaseModel):
    text: str
    profile: str = Field(description="how the input looked damaged: clean, strip or ocr")
    tone_style: str
    tokens: list[TokenResult]
    mean_confidence: float | None
    changed_words: int


class NormalizeResult(BaseModel):
    """Text in NFC UTF-8 with how it was read and what was repaired."""

    text: str
    encoding: str = Field(description="the input encoding, detected or given")
    confidence: float = Field(ge=0.0, le=1.0, description="how sure the detection is (1 when given)")
    repairs: dict[str, int] = Field(description="text-layer repairs made, by kind")
    tone_styles: dict[str, int] = Field(description="words showing the old (hòa) and new (hoà) placement")
    tone_style: str = Field(description="the document's style: old, new or none")


def normalize(
    data: bytes | str,
    *,
    encoding: str | None = None,
    tone_style: ToneStyleOption = "keep",
    name: str = "input",
) -> NormalizeResult:
    """Read any Vietnamese encoding (bytes) or text, repair text-layer damage, NFC."""
    from diacritic_restore.text.decoding import decode_bytes_detailed
    from diacritic_restore.text.repairs import apply_tone_style, repair, tone_styles

    if isinstance(data, bytes):
        text, enc, conf = decode_bytes_detailed(data, name, encoding)
    else:
        text, enc, conf = data, "unicode", 1.0
    text, repairs = repair(text)
    styles = tone_styles(text)
    text = apply_tone_style(text, tone_style)
    doc_style = "none" if not any(styles.values()) else ("old" if styles["old"] > styles["new"] else "new")
    return NormalizeResult(text=text, encoding=enc, confidence=conf, repairs=repairs, tone_styles=styles,
                           tone_style=doc_style)


def restore(
    text: str,
    *,
    tone_style: ToneStyleOption = "keep",
    model_dir: str | os.PathLike | None = None,
    settings: Settings | None = None,
) -> str:
    """Restore Vietnamese diacritics and repair OCR damage in ``text``; returns NFC text."""
    return modelmod.load(model_dir, settings).restore(text, tone_style)


def restore_detailed(
    text: str,
    *,
    tone_style: ToneStyleOption = "keep",
    model_dir: str | os.PathLike | None = None,
    settings: Settings | None = None,
) -> RestoreResult:
    """Like :func:`restore`, with each word's choice, alternatives and confidence."""
    r = modelmod.load(model_dir, settings)
    toks, choices, profile = r.restore_tokens(text, tone_style)
    out_parts: list[str] = []
    results: list[TokenResult] = []
    for tok, ch in zip(toks, choices):
        if ch is None:
            out_parts.append(tok.text)
            continue
        out_parts.append(ch.output)
        results.append(
            TokenResult(
                start=tok.start,
                end=tok.start + len(tok.text),
                original=tok.text,
                output=ch.output,
                changed=ch.output != tok.text,
                confidence=min(max(ch.confidence, 0.0), 1.0),
                alternatives=[Alternative(text=w, probability=p) for w, p in ch.alternatives],
            )
        )
    mean = sum(t.confidence for t in results) / len(results) if results else None
    return RestoreResult(
        text="".join(out_parts),
        profile=profile.name,
        tone_style=tone_style,
        tokens=results,
        mean_confidence=mean,
        changed_words=sum(t.changed for t in results),
    )
