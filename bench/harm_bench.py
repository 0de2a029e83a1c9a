"""Do-no-harm benchmark: documents as archives hold them, one file each.

Documents held out of every model (``../shared/data/vn-admin-docs``: no model reads it;
a stratified sample of full documents by kind) are typeset as pages (two degradation
levels) and read by ``tesseract -l eng`` and ``-l vie``; each OCR output is one file.
Measured:

(1) encoding detection per file: how many files are taken for a legacy encoding;
(2) restore per file against the same files restored as one concatenated text;
(3) correct text (the documents' own lines) restored one line per file, and whole:
    the share of syllables that change.

Only the top-level API (``normalize``, ``restore``, ``measure``) is used, so the same
script measures an older checkout (``PYTHONPATH=that/src``) as its baseline.
Writes ``harm-report.md`` and ``harm-report.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import tarfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from diacritic_restore import measure, normalize, restore  # noqa: E402
from diacritic_restore.evaluate import changed_fraction  # noqa: E402
from reports import commit_id, now_utc, write_report  # noqa: E402

try:
    from diacritic_restore.train.render import render_document
except ImportError:  # an older checkout, for the baseline
    from diacritic_restore.render import render_document  # type: ignore[no-redef]
try:
    from diacritic_restore.text.charsets import CP1252_BYTE, encode
except ImportError:  # an older checkout, for the baseline
    from diacritic_restore.charsets import CP1252_BYTE, encode  # type: ignore[no-redef]

LEGACY = ("tcvn3", "vni", "cp1258", "viqr", "tcvn3-in-utf-8", "vni-in-utf-8")

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("medium", "scan")
LANGS = ("eng", "vie")


def sample_documents(shared: Path, n: int) -> list[tuple[str, str, str]]:
    """(id, kind, text) of ``n`` full documents, spread over the kinds, by id order."""
    src = shared / "data" / "vn-admin-docs"
    with open(src / "sources.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["form"] == "full-document"]
    by_kind: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: r["id"]):
        by_kind.setdefault(r["kind"], []).append(r)
    picked: list[dict] = []
    while len(picked) < n and any(by_kind.values()):
        for kind in sorted(by_kind):
            if by_kind[kind] and len(picked) < n:
                picked.append(by_kind[kind].pop(0))
    want = {f"texts/{r['id']}.txt": r for r in picked}
    out = []
    with tarfile.open(src / "texts.tar.xz") as tar:
        for m in tar:
            if m.name in want:
                text = tar.extractfile(m).read().decode("utf-8")  # type: ignore[union-attr]
                out.append((want[m.name]["id"], want[m.name]["kind"], text))
    return sorted(out)


def _page(args: tuple[str, str, str, int, str]) -> tuple[str, str, str, str, str]:
    """Render a document's first page at ``level`` and read it with ``lang``."""
    from PIL import Image

    doc_id, text, level, seed, work = args
    paras = [ln.strip() for ln in text.splitlines() if ln.strip()][:40]
    imgs, truths = render_document(paras, level, seed=seed)
    png = Path(work) / f"{doc_id}-{level}.png"
    Image.fromarray(imgs[0]).save(png, dpi=(300, 300))
    outs = []
    for lang in LANGS:
        res = subprocess.run(["tesseract", str(png), "-", "-l", lang, "--dpi", "300"], capture_output=True,
                             check=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        outs.append(res.stdout.decode("utf-8"))
    png.unlink()
    return doc_id, level, truths[0], outs[0], outs[1]


def ocr_corpus(docs: list[tuple[str, str, str]], work: Path) -> list[dict]:
    """One record per (document, level): truth and the two OCR files' bytes; cached."""
    cache = work / "corpus.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    work.mkdir(parents=True, exist_ok=True)
    tasks = [(d, t, lv, k, str(work)) for k, (d, _, t) in enumerate(docs) for lv in LEVELS]
    with ProcessPoolExecutor(2) as pool:
        recs = [dict(id=d, level=lv, truth=tr, eng=e, vie=v) for d, lv, tr, e, v in pool.map(_page, tasks)]
    cache.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    return recs


def per_file(recs: list[dict], lang: str) -> dict:
    """Detection and restore of each OCR file alone, and of all of them as one file."""
    encodings: dict[str, int] = {}
    outs, truths = [], []
    for r in recs:
        data = r[lang].encode("utf-8")
        enc = normalize(data).encoding
        encodings[enc] = encodings.get(enc, 0) + 1
        outs.append(restore(normalize(data).text))
        truths.append(r["truth"])
    one = restore(normalize("\n".join(r[lang] for r in recs).encode("utf-8")).text)
    truth = "\n".join(truths)
    raw = measure("\n".join(r[lang] for r in recs), truth).syllable_accuracy_style
    return {"files": len(recs), "encodings": encodings,
            "accuracy_per_file": measure("\n".join(outs), truth).syllable_accuracy_style,
            "accuracy_one_file": measure(one, truth).syllable_accuracy_style, "accuracy_input": raw}


def correct_text(docs: list[tuple[str, str, str]]) -> dict:
    lines = [ln for _, _, t in docs for ln in t.splitlines()[:60] if len(ln.split()) >= 2]
    before = "\n".join(lines)
    after_lines = "\n".join(restore(normalize(ln.encode("utf-8")).text) for ln in lines)
    whole = [t for _, _, t in docs]
    return {"lines": len(lines), "changed_per_line": changed_fraction(before, after_lines),
            "documents": len(whole),
            "changed_whole": changed_fraction("\n".join(whole), "\n".join(restore(t) for t in whole))}


_ENCODABLE: dict[tuple[str, str], bool] = {}


def _encodable(c: str, enc: str) -> bool:
    hit = _ENCODABLE.get((c, enc))
    if hit is None:
        try:
            encode(c, enc)
            hit = True
        except ValueError:
            hit = False
        _ENCODABLE[(c, enc)] = hit
    return hit


def _legacy_bytes(text: str, enc: str) -> bytes:
    """``text`` as a legacy file: the encoding's bytes, or for ``X-in-utf-8`` those bytes
    once read as Windows-1252 and saved as UTF-8 (what a converted archive holds).
    Characters the code page lacks (≤, emoji) become ``?``, as a legacy editor saves them."""
    base = enc.split("-")[0]
    text = "".join(c if _encodable(c, base) else "?" for c in text)
    if not enc.endswith("-in-utf-8"):
        return encode(text, enc)
    to_char = {b: c for c, b in CP1252_BYTE.items()}
    raw = encode(text, enc.split("-")[0])
    return "".join(to_char.get(b, chr(b)) if b > 0x7F else chr(b) for b in raw).encode("utf-8")


def legacy_files(docs: list[tuple[str, str, str]]) -> dict:
    """Each document, and its first two lines alone, saved in every supported legacy
    encoding: how many files are detected as that encoding and decode to the text."""
    out = {}
    for enc in LEGACY:
        whole = short = whole_ok = short_ok = 0
        for _, _, text in docs:
            head = "\n".join([ln for ln in text.splitlines() if ln.strip()][:2])
            for part, is_short in ((text, False), (head, True)):
                r = normalize(_legacy_bytes(part, enc))
                ok = r.encoding == enc
                if is_short:
                    short, short_ok = short + 1, short_ok + ok
                else:
                    whole, whole_ok = whole + 1, whole_ok + ok
        out[enc] = {"documents": whole, "detected": whole_ok, "short_files": short, "short_detected": short_ok}
    return out


def _table(rep: dict) -> list[str]:
    L = ["| OCR | files | taken for a legacy encoding | input | restored per file | restored as one file |",
         "|---|---|---|---|---|---|"]
    for lang in LANGS:
        r = rep[lang]
        legacy = sum(v for k, v in r["encodings"].items() if not k.startswith("utf-8"))
        L.append(f"| `tesseract -l {lang}` | {r['files']} | {legacy} ({r['encodings']}) | {100 * r['accuracy_input']:.2f}% "
                 f"| {100 * r['accuracy_per_file']:.2f}% | {100 * r['accuracy_one_file']:.2f}% |")
    c = rep["correct"]
    L += ["", f"Correct text: one line per file ({c['lines']} lines) {100 * (1 - c['changed_per_line']):.3f}% of "
          f"syllables unchanged; whole documents ({c['documents']}) {100 * (1 - c['changed_whole']):.3f}%.", ""]
    if "legacy" in rep:
        L += ["Legacy files (the same documents saved in each encoding with its code table; no real legacy "
              "file is in `../shared`): detected as their encoding", "",
              "| encoding | whole documents | first two lines alone |", "|---|---|---|"]
        L += [f"| {e} | {r['detected']}/{r['documents']} | {r['short_detected']}/{r['short_files']} |"
              for e, r in rep["legacy"].items()]
        L.append("")
    return L


def _targets(rep: dict) -> list[str]:
    eng, c = rep["eng"], rep["correct"]
    legacy = sum(v for lang in LANGS for k, v in rep[lang]["encodings"].items() if not k.startswith("utf-8"))
    leg = rep.get("legacy", {})
    missed = sum(r["documents"] - r["detected"] + r["short_files"] - r["short_detected"] for r in leg.values())
    rows = [("files taken for a legacy encoding", f"{legacy}", "0", legacy == 0),
            ("legacy files not detected as their encoding", f"{missed}", "0", missed == 0),
            ("English OCR: per file minus one file, points",
             f"{100 * (eng['accuracy_per_file'] - eng['accuracy_one_file']):+.2f}", "≥ -0.2",
             eng["accuracy_per_file"] - eng["accuracy_one_file"] >= -0.002),
            ("correct lines, one per file, unchanged", f"{100 * (1 - c['changed_per_line']):.3f}%", "≥ 99.9%",
             1 - c["changed_per_line"] >= 0.999),
            ("correct whole documents unchanged", f"{100 * (1 - c['changed_whole']):.3f}%", "≥ 99.95%",
             1 - c["changed_whole"] >= 0.9995)]
    L = ["| target | value | bar | |", "|---|---|---|---|"]
    L += [f"| {w} | {v} | {b} | {'PASS' if ok else 'FAIL'} |" for w, v, b, ok in rows]
    return L + [""]


def report_md(rep: dict, baseline: dict | None = None) -> str:
    L = ["# Do-no-harm benchmark (`bench/harm_bench.py`)\n",
         f"{rep['date']}, code at `{rep['commit']}`. {rep['documents']} full documents of "
         "`vn-admin-docs`, which no model reads (held out; a sample spread over the kinds), typeset as one "
         f"page at levels {', '.join(LEVELS)} and read by Tesseract; every OCR output is one file.\n",
         ]
    L += _table(rep)
    L += _targets(rep)
    if baseline:
        L += [f"Baseline: {baseline['how']}:", ""] + _table(baseline)
    L += ["Accuracy is syllable accuracy, tone placement not counted, against the typeset text.", ""]
    return "\n".join(L)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    ap.add_argument("--documents", type=int, default=60)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "harm")
    args = ap.parse_args()
    t0 = time.perf_counter()
    docs = sample_documents(args.shared, args.documents)
    recs = ocr_corpus(docs, args.work)
    rep = {"date": now_utc(), "commit": commit_id(), "documents": len(docs),
           "eng": per_file(recs, "eng"), "vie": per_file(recs, "vie"), "correct": correct_text(docs),
           "legacy": legacy_files(docs),
           "seconds": round(time.perf_counter() - t0, 1)}
    base_file = ROOT / "bench" / "harm-baseline.json"
    baseline = json.loads(base_file.read_text(encoding="utf-8")) if base_file.exists() else None
    write_report(args.out, "harm-report", rep, report_md(rep, baseline))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
