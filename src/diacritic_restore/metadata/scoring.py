"""Scoring extracted metadata against a golden file: per-field true and false positives
and false negatives, as the tests and ``bench/metadata_bench.py`` count them."""

from __future__ import annotations

import re
from typing import Callable

from pydantic import BaseModel

from diacritic_restore.metadata.schema import CitedDocument, Metadata
from diacritic_restore.text.folding import fold

SCALAR_FIELDS = ("number", "symbol", "document_type", "issuer", "parent_issuer", "place", "date", "subject",
                 "signing_authority", "signing_body", "signer_title", "signer_name")
_NOT_WORD_RE = re.compile(r"[^\w/%-]+")


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
    """Folded, words only (and ``/ % -``), single-spaced."""
    v = fold(v).replace("\u2019", "'")
    v = _NOT_WORD_RE.sub(" ", v)
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


def _match_items(pred: list[str], gold: list[str], same: Callable[[str, str], bool]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of two lists, each item matched once."""
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
    """By symbol when the gold has one, else by type and number, else by mention or issuer."""
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
