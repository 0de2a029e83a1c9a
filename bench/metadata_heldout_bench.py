"""Metadata on held-out official documents: recall per field and the calibration of the
extractor's confidence, against the hashed golden files of ``bench/metadata-heldout/``
(30 full documents of ``../shared/data/vn-admin-docs`` read by hand; no rule of the
extractor was written from them, no model reads them).

The documents are read from the corpus at run time (their text is never committed);
each is given to :func:`diacritic_restore.metadata.extract` as it stands (a correct
text layer).  Writes ``metadata-heldout-report.md`` and ``.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from pathlib import Path

from diacritic_restore.metadata import extract
from heldout_gold import FIELDS, HELDOUT, digest, matches
from reports import commit_id, now_utc, write_report

ROOT = Path(__file__).resolve().parent.parent
TARGET_FIELDS = ("number", "document_type", "issuer", "place", "date")
BINS = ((0.9, 1.01), (0.7, 0.9), (0.0, 0.7))


def texts(shared: Path, ids: set[str]) -> dict[str, str]:
    out = {}
    with tarfile.open(shared / "data" / "vn-admin-docs" / "texts.tar.xz") as tar:
        for m in tar:
            name = Path(m.name).stem
            if name in ids:
                out[name] = tar.extractfile(m).read().decode("utf-8")  # type: ignore[union-attr]
    return out


def evaluate(golds: list[dict], docs: dict[str, str]) -> dict:
    per = {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS}
    calib = {f"{lo:.1f}-{min(hi, 1):.1f}": {"n": 0, "wrong": 0} for lo, hi in BINS}
    wrong_sure: list[str] = []
    cites = {"tp": 0, "fp": 0, "fn": 0}
    for g in golds:
        md = extract(docs[g["document"]])
        found = {digest(c.symbol) for c in md.cited_documents if c.symbol}
        want = set(g.get("cited_symbols", []))
        cites["tp"] += len(found & want)
        cites["fp"] += len(found - want)
        cites["fn"] += len(want - found)
        for f in FIELDS:
            found = getattr(md, f)
            pv, conf = (found.value, found.confidence) if found is not None else (None, None)
            ok = pv is not None and matches(f, pv, g)
            c = per[f]
            c["tp"] += ok
            c["fp"] += pv is not None and not ok
            c["fn"] += g["fields"][f] is not None and not ok
            if pv is None:
                continue
            for lo, hi in BINS:
                if lo <= conf < hi:
                    b = calib[f"{lo:.1f}-{min(hi, 1):.1f}"]
                    b["n"] += 1
                    b["wrong"] += not ok
                    if not ok and lo >= 0.9:
                        wrong_sure.append(f"{g['document']} {f} (confidence {conf:.2f})")
    for c in per.values():
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    cites["recall"] = cites["tp"] / (cites["tp"] + cites["fn"]) if cites["tp"] + cites["fn"] else 1.0
    cites["precision"] = cites["tp"] / (cites["tp"] + cites["fp"]) if cites["tp"] + cites["fp"] else 1.0
    return {"fields": per, "cited_symbols": cites, "calibration": calib, "wrong_at_0.9": wrong_sure}


def report_md(rep: dict) -> str:
    L = ["# Metadata on held-out official documents (`bench/metadata_heldout_bench.py`)\n",
         f"{rep['date']}, code at `{rep['commit']}`. {rep['documents']} full documents of `vn-admin-docs` "
         "(held out: no model reads them, no extractor rule was written from them), golden values read by hand and "
         "kept as hashes (`bench/metadata-heldout/`). The extractor is given each document's correct text.\n",
         "| field | recall | precision | TP/FP/FN |", "|---|---|---|---|"]
    for f, c in rep["fields"].items():
        mark = " (target ≥ 0.95)" if f in TARGET_FIELDS else ""
        L.append(f"| {f}{mark} | {c['recall']:.2f} | {c['precision']:.2f} | {c['tp']}/{c['fp']}/{c['fn']} |")
    c = rep["cited_symbols"]
    L.append(f"| cited documents (by symbol) | {c['recall']:.2f} | {c['precision']:.2f} | {c['tp']}/{c['fp']}/{c['fn']} |")
    L += ["", "Calibration: extracted values by stated confidence, and how many are wrong (target: at most 2% "
          "wrong at ≥ 0.9).", "", "| confidence | values | wrong | share wrong |", "|---|---|---|---|"]
    for k, b in rep["calibration"].items():
        L.append(f"| {k} | {b['n']} | {b['wrong']} | {100 * b['wrong'] / b['n'] if b['n'] else 0:.1f}% |")
    if rep["wrong_at_0.9"]:
        L += ["", "Wrong at confidence ≥ 0.9: " + "; ".join(rep["wrong_at_0.9"]) + "."]
    return "\n".join(L) + "\n"


def main() -> int:

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    args = ap.parse_args()
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HELDOUT.glob("*.json"))]
    docs = texts(args.shared, {g["document"] for g in golds})
    rep = evaluate(golds, docs)
    rep.update(date=now_utc(), documents=len(golds), commit=commit_id())
    write_report(args.out, "metadata-heldout-report", rep, report_md(rep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
