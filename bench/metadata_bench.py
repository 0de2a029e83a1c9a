"""vnrestore metadata benchmark: per-field precision and recall against the golden files
of the five seed documents (tests/metadata-gold/, written by reading the documents).

Writes ``metadata-report.md`` and ``metadata-report.json`` into ``--out``.  Two rows per
field: the extractor run on the seed text as given (garbled OCR, no restore), and
``vnrestore metadata`` (restore, then extract), which is what users get.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel

from diacritic_restore.metadata import extract, score
from diacritic_restore.pipeline.document import RunOptions, process

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "metadata-gold"
SEEDS = ROOT / "corpora" / "seeds"


class FieldRow(BaseModel):
    field: str
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float


class Report(BaseModel):
    date: str
    documents: int
    seconds_per_document: float
    without_restore: list[FieldRow]
    vnrestore: list[FieldRow]
    misses: list[str]


def rows(scores: list[dict]) -> list[FieldRow]:
    out = []
    for f in scores[0]:
        tp = sum(s[f].true_positives for s in scores)
        fp = sum(s[f].false_positives for s in scores)
        fn = sum(s[f].false_negatives for s in scores)
        out.append(FieldRow(field=f, tp=tp, fp=fp, fn=fn, precision=tp / (tp + fp) if tp + fp else 1.0,
                            recall=tp / (tp + fn) if tp + fn else 1.0))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    args = ap.parse_args()
    raw_scores, full_scores, misses = [], [], []
    t_total = 0.0
    golds = sorted(GOLD.glob("*.json"))
    for g in golds:
        gold = json.loads(g.read_text(encoding="utf-8"))
        src = SEEDS / gold["document"]
        raw_scores.append(score(extract(src.read_text(encoding="utf-8")), gold))
        t = time.perf_counter()
        md = process(src, RunOptions(jobs=1)).metadata
        t_total += time.perf_counter() - t
        s = score(md, gold)
        full_scores.append(s)
        for f, fs in s.items():
            if fs.false_negatives or fs.false_positives:
                misses.append(f"{g.stem} {f}: {fs.false_negatives} missed, {fs.false_positives} wrong or extra")
    rep = Report(date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), documents=len(golds),
                 seconds_per_document=round(t_total / len(golds), 3), without_restore=rows(raw_scores),
                 vnrestore=rows(full_scores), misses=misses)
    L = ["# vnrestore metadata benchmark\n", f"{rep.date} · {rep.documents} documents (the user's seeds 000-004) · "
         f"{rep.seconds_per_document} s per document for `vnrestore metadata` (restore + extract, model warm)\n",
         "Golden files: tests/metadata-gold/ (read from the documents by hand, not generated). Values match "
         "when equal after case, marks and punctuation are set aside (subjects and recipients within a "
         "Levenshtein ratio of 85); recipients count per item, cited documents per document, `cited.date` "
         "and `cited.issuer` over the cited documents found.\n",
         "| field | P as given | R as given | P vnrestore | R vnrestore | vnrestore TP/FP/FN |",
         "|---|---|---|---|---|---|"]
    for a, b in zip(rep.without_restore, rep.vnrestore):
        L.append(f"| {a.field} | {a.precision:.2f} | {a.recall:.2f} | **{b.precision:.2f}** | **{b.recall:.2f}** | "
                 f"{b.tp}/{b.fp}/{b.fn} |")
    L.append("\n## What vnrestore misses\n")
    L.extend(f"- {m}" for m in misses)
    md_text = "\n".join(L) + "\n"
    (args.out / "metadata-report.md").write_text(md_text, encoding="utf-8")
    (args.out / "metadata-report.json").write_text(rep.model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(md_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
