"""Evaluation of restored Vietnamese text against a reference.

Modelled on jiwer: :func:`measure` computes one :class:`EvalResult` with every metric,
and :func:`cer`, :func:`wer`, :func:`syllable_accuracy` and :func:`changed_fraction` are
thin wrappers around it (or around the same helpers).

Syllable metrics work on tokens that are maximal runs of letters and digits, so
punctuation is ignored; tokens are compared lower-cased and NFC.  Hypothesis tokens are
aligned to reference tokens once, on their skeletons (diacritics removed), and hits are
then counted at three levels over the aligned pairs:

* ``exact``: the same letters and marks;
* ``style``: equal under :func:`~diacritic_restore.syllable.canonical`, so the tone
  placement convention (``uỷ`` / ``ủy``) is not counted as an error;
* ``base``: equal skeletons, i.e. diacritics ignored.

Empty reference convention (for every rate here): an empty reference against an empty
hypothesis is perfect (accuracy 1.0, error rates 0.0); against a non-empty hypothesis
it is totally wrong (accuracy 0.0, error rates 1.0).  No division by zero is possible.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel
from rapidfuzz.distance import Levenshtein

from diacritic_restore.text.syllable import canonical, nfc, skeleton, strip_marks

Level = Literal["exact", "style", "base"]

# Letters and digits (no underscore); combining marks are included so that a mark NFC
# cannot compose onto its letter does not split a syllable in two.
_TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_SPACE_RE = re.compile(r"\s+")


class EvalResult(BaseModel):
    """All metrics for one hypothesis/reference pair.

    ``substitutions``/``deletions``/``insertions`` are edit counts of the syllable
    alignment, which is made on skeletons: a substitution is a pair whose base letters
    differ.  Accuracies are hits / ``ref_syllables``.
    """

    ref_syllables: int
    hyp_syllables: int
    hits_exact: int
    hits_style: int
    hits_base: int
    substitutions: int
    deletions: int
    insertions: int
    syllable_accuracy: float
    syllable_accuracy_style: float
    syllable_accuracy_base: float
    diacritic_error_rate: float
    cer: float
    wer: float


def syllable_tokens(text: str) -> list[str]:
    """Lower-case NFC syllable tokens of ``text`` (letter/digit runs, punctuation dropped)."""
    return _TOKEN_RE.findall(nfc(text).lower())


def strip_diacritics(text: str) -> str:
    """Remove all Vietnamese marks, keeping case and every other character."""
    return nfc(strip_marks(text))


def _rate(errors: int, total: int, hyp_len: int) -> float:
    """errors / total, with the empty-reference convention of the module docstring."""
    if total == 0:
        return 0.0 if hyp_len == 0 else 1.0
    return errors / total


def _accuracy(hits: int, total: int, hyp_len: int) -> float:
    if total == 0:
        return 1.0 if hyp_len == 0 else 0.0
    return hits / total


def _aligned_pairs(
    ref: list[str], hyp: list[str], ref_keys: list[str], hyp_keys: list[str]
) -> tuple[list[tuple[str, str]], int, int, int]:
    """Align on skeleton keys; return (ref, hyp) pairs and counts of S, D, I."""
    pairs: list[tuple[str, str]] = []
    subs = dels = ins = 0
    # rapidfuzz hashes list items and runs its bit-parallel C++ Levenshtein, so this is
    # fast even for 100k-token texts; the loop below is linear in the opcode spans.
    for tag, r0, r1, h0, h1 in Levenshtein.opcodes(ref_keys, hyp_keys):
        if tag == "equal":
            pairs.extend(zip(ref[r0:r1], hyp[h0:h1]))
        elif tag == "replace":
            # rapidfuzz's replace blocks are 1:1, but handle unequal spans defensively:
            # pair what lines up, the rest are deletions or insertions.
            n = min(r1 - r0, h1 - h0)
            pairs.extend(zip(ref[r0 : r0 + n], hyp[h0 : h0 + n]))
            subs += n
            dels += (r1 - r0) - n
            ins += (h1 - h0) - n
        elif tag == "delete":
            dels += r1 - r0
        elif tag == "insert":
            ins += h1 - h0
    return pairs, subs, dels, ins


def _distance(a: str | list[str], b: str | list[str]) -> int:
    """Levenshtein distance, fast when it is small relative to the lengths.

    rapidfuzz's full matrix is O(n*m/64), ~6 s for two 500k-character texts; with a
    ``score_cutoff`` it runs a band of that width instead.  Doubling the cutoff keeps the
    total within about twice the cost of the final band, which is small for restored
    text (low CER); very different texts fall back to the full computation.
    """
    longest = max(len(a), len(b))
    cutoff = max(64, longest // 64)
    while cutoff < longest // 2:
        d = Levenshtein.distance(a, b, score_cutoff=cutoff)
        if d <= cutoff:
            return d
        cutoff *= 2
    return Levenshtein.distance(a, b)


def _char_text(text: str) -> str:
    """NFC text with whitespace runs collapsed to one space and the ends trimmed."""
    return _SPACE_RE.sub(" ", nfc(text)).strip()


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate on NFC text (case-sensitive, whitespace runs collapsed)."""
    ref, hyp = _char_text(reference), _char_text(hypothesis)
    return _rate(_distance(ref, hyp), len(ref), len(hyp))


def wer(hypothesis: str, reference: str) -> float:
    """Word error rate on NFC whitespace-separated tokens (case-sensitive)."""
    ref, hyp = nfc(reference).split(), nfc(hypothesis).split()
    return _rate(_distance(ref, hyp), len(ref), len(hyp))


def measure(hypothesis: str, reference: str) -> EvalResult:
    """Compute every metric of :class:`EvalResult` for ``hypothesis`` against ``reference``."""
    ref, hyp = syllable_tokens(reference), syllable_tokens(hypothesis)
    ref_keys = [skeleton(t) for t in ref]
    hyp_keys = [skeleton(t) for t in hyp]
    pairs, subs, dels, ins = _aligned_pairs(ref, hyp, ref_keys, hyp_keys)

    hits_exact = hits_style = hits_base = 0
    for r, h in pairs:
        if r == h:
            # exact implies the other two levels; skip the key lookups
            hits_exact += 1
            hits_style += 1
            hits_base += 1
            continue
        if skeleton(r) != skeleton(h):
            continue
        hits_base += 1
        if canonical(r) == canonical(h):
            hits_style += 1

    n_ref, n_hyp = len(ref), len(hyp)
    # Diacritic errors are judged only where the base letters were right, so that OCR
    # letter damage and missing words do not count twice.
    der = (hits_base - hits_style) / hits_base if hits_base else 0.0
    return EvalResult(
        ref_syllables=n_ref,
        hyp_syllables=n_hyp,
        hits_exact=hits_exact,
        hits_style=hits_style,
        hits_base=hits_base,
        substitutions=subs,
        deletions=dels,
        insertions=ins,
        syllable_accuracy=_accuracy(hits_exact, n_ref, n_hyp),
        syllable_accuracy_style=_accuracy(hits_style, n_ref, n_hyp),
        syllable_accuracy_base=_accuracy(hits_base, n_ref, n_hyp),
        diacritic_error_rate=der,
        cer=cer(hypothesis, reference),
        wer=wer(hypothesis, reference),
    )


def syllable_accuracy(hypothesis: str, reference: str, level: Level = "exact") -> float:
    """Fraction of reference syllables matched at ``level`` (exact, style or base)."""
    res = measure(hypothesis, reference)
    if level == "exact":
        return res.syllable_accuracy
    if level == "style":
        return res.syllable_accuracy_style
    if level == "base":
        return res.syllable_accuracy_base
    raise ValueError(f"unknown level {level!r}")


def changed_fraction(before: str, after: str) -> float:
    """Fraction of ``before``'s syllables not exactly equal in ``after`` (same alignment).

    Used to check that restoring already-correct text changes almost nothing.  An empty
    ``before`` gives 0.0 if ``after`` is empty too, else 1.0.
    """
    ref, hyp = syllable_tokens(before), syllable_tokens(after)
    pairs, _, _, _ = _aligned_pairs(
        ref, hyp, [skeleton(t) for t in ref], [skeleton(t) for t in hyp]
    )
    same = sum(r == h for r, h in pairs)
    # count the changes directly rather than 1 - accuracy, to avoid float residue
    return _rate(len(ref) - same, len(ref), len(hyp))
