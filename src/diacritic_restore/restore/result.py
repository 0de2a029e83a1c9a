"""A restore as data: the text, and per word what it was, what it became and how sure
the decoder is (``restore_detailed`` of the Python API, ``--details`` of the CLI, the
pipeline's text documents)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from diacritic_restore.restore.restorer import Restorer, StyleOption


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


def restore_detailed_with(restorer: Restorer, text: str, tone_style: StyleOption = "keep") -> RestoreResult:
    """Restore ``text`` with a loaded model set, keeping each word's choice,
    alternatives and confidence."""
    toks, choices, profile = restorer.restore_tokens(text, tone_style)
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
