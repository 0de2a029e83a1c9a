"""Fuzz bench (``make fuzz``; not in CI): nothing takes a batch down.

Good inputs of every kind (texts cut from the seeds, typeset pages as PNG, JPEG,
TIFF and a PDF) are mutated (truncated, bytes flipped, junk and NULs spliced in,
headers swapped for another kind's, emptied, oversized) and mixed with intact copies
in batches that ``vnrestore run`` processes as a user would (a subprocess, ``--jobs
2``).  Measured per batch and in all: internal errors (must be 0), units over the
time limit, good files missing or different from a clean run of them alone (must
be 0), the peak memory of any process of the run, and the wall time.  Then kill
tests: the main process SIGKILLed at random moments leaves no worker alive after 5 s
and a rerun finishes byte-identical to an uninterrupted run.

Writes ``fuzz-report.md`` and ``fuzz-report.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from diacritic_restore.train.render import render_document
from reports import commit_id, now_utc, write_report

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "vnrestore"
UNIT_TIMEOUT = 60


def good_inputs(work: Path, rng: random.Random) -> dict[str, bytes]:
    """Intact inputs of every kind: name → bytes."""
    out: dict[str, bytes] = {}
    seeds = sorted((ROOT / "corpora" / "seeds").glob("00*_*.txt"))
    for s in seeds:
        lines = s.read_text(encoding="utf-8").splitlines()
        for i in range(0, min(len(lines), 60), 20):
            out[f"{s.stem[:3]}-{i}.txt"] = ("\n".join(lines[i:i + 20]) + "\n").encode("utf-8")
    text = (seeds[1].read_text(encoding="utf-8").splitlines())
    for j, level in enumerate(("clean", "scan")):
        pages, _ = render_document([ln for ln in text[j * 8:j * 8 + 8] if ln.strip()], level=level, seed=j)
        im = Image.fromarray(pages[0])
        im = im.crop((0, 0, im.width, min(im.height, 900)))
        for fmt, ext in (("PNG", "png"), ("JPEG", "jpg"), ("TIFF", "tif")):
            buf = io.BytesIO()
            im.save(buf, format=fmt, dpi=(300, 300))
            out[f"page{j}-{ext}.{ext}"] = buf.getvalue()  # one output name per input
        buf = io.BytesIO()
        im.save(buf, format="PDF", resolution=300)
        out[f"page{j}-pdf.pdf"] = buf.getvalue()
    return out


def mutate(name: str, data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """One random damage of ``data``."""
    how = rng.choice(["truncate", "flip", "splice_junk", "nuls", "other_kind", "empty", "repeat", "header"])
    n = len(data)
    if how == "truncate":
        return data[:rng.randrange(0, max(1, n))]
    if how == "flip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(n)] = rng.randrange(256)
        return bytes(b)
    if how == "splice_junk":
        at = rng.randrange(n + 1)
        return data[:at] + os.urandom(rng.randint(1, 4096)) + data[at:]
    if how == "nuls":
        at = rng.randrange(n + 1)
        return data[:at] + b"\0" * rng.randint(1, 2048) + data[at:]
    if how == "other_kind":
        return rng.choice(others)
    if how == "empty":
        return b""
    if how == "repeat":
        return data * rng.randint(2, 6)
    return data[:rng.randint(0, 64)] + rng.choice(others)[64:]  # another file's body under this header


def run(inp: Path, out: Path, timeout: float, *extra: str) -> tuple[int, float, float]:
    """Exit code, wall seconds and the peak RSS (MB) of any process of the run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run([str(EXE), "run", str(inp), "-o", str(out), "--jobs", "2", "-q",
                        "--unit-timeout", str(UNIT_TIMEOUT), *extra],
                       capture_output=True, timeout=timeout, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return p.returncode, time.perf_counter() - t, max(peak, before) / 1024


def comparable(out: Path, names: list[str]) -> dict[str, bytes]:
    """The outputs of the good files, with what differs by folder removed."""
    res = {}
    for nm in names:
        stem = Path(nm).with_suffix("")
        for suf in (".txt", ".json"):
            p = out / (str(stem) + suf)
            if not p.exists():
                res[str(stem) + suf] = b"MISSING"
                continue
            data = p.read_bytes()
            if suf == ".json":
                doc = json.loads(data)
                for k in ("source_file",):
                    doc.pop(k, None)
                data = json.dumps(doc, sort_keys=True).encode()
            res[str(stem) + suf] = data
    return res


def fuzz_batches(work: Path, batches: int, per_batch: int, rng: random.Random) -> dict:
    goods = good_inputs(work, rng)
    ref_in, ref_out = work / "ref-in", work / "ref-out"
    ref_in.mkdir(parents=True)
    for nm, data in goods.items():
        (ref_in / nm).write_bytes(data)
    run(ref_in, ref_out, 3600)
    reference = comparable(ref_out, list(goods))
    rows, totals = [], {"mutated": 0, "good": 0, "internal": 0, "timeouts": 0, "lost": 0, "different": 0}
    others = list(goods.values())
    for b in range(batches):
        inp, out = work / f"b{b}-in", work / f"b{b}-out"
        inp.mkdir()
        for nm, data in goods.items():
            (inp / nm).write_bytes(data)
        for k in range(per_batch):
            nm = rng.choice(list(goods))
            (inp / f"m{k:04d}-{nm}").write_bytes(mutate(nm, goods[nm], rng, others))
        rc, secs, peak = run(inp, out, 7200)
        rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
        reasons = [d.get("reason") or "" for d in rep["details"] if d["status"] == "failed"]
        got = comparable(out, list(goods))
        row = {"batch": b, "exit": rc, "seconds": round(secs, 1), "peak_mb": round(peak), "mutated": per_batch,
               "good": len(goods), "failed": len(reasons), "internal": sum("internal error" in r for r in reasons),
               "timeouts": sum("timed out after" in r for r in reasons),
               "lost": sum(v == b"MISSING" for v in got.values()),
               "different": sum(got[k] != reference[k] for k in reference if got[k] != b"MISSING")}
        rows.append(row)
        for k in totals:
            totals[k] += row[k] if k in row else 0
        print(json.dumps(row), flush=True)
    return {"batches": rows, "totals": totals, "peak_mb": max(r["peak_mb"] for r in rows)}


def _worker_pids(parent: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == parent:
                out.append(int(d.name))
    return out


def kill_tests(work: Path, n: int, rng: random.Random) -> dict:
    """SIGKILL the main process at ``n`` random moments: no worker alive 5 s later,
    and a rerun gives the bytes of an uninterrupted run."""
    base = good_inputs(work, rng)
    # three copies of every input: a run long enough (about 25 s) to be killed inside
    goods = {f"c{c}-{nm}": data for c in range(3) for nm, data in base.items()}
    inp = work / "kill-in"
    inp.mkdir()
    for nm, data in goods.items():
        (inp / nm).write_bytes(data)
    whole = work / "kill-whole"
    t0 = time.perf_counter()
    run(inp, whole, 3600)
    span = time.perf_counter() - t0
    reference = comparable(whole, list(goods))
    survivors = identical = mid_run = 0
    for t in range(n):
        out = work / f"kill-{t}"
        p = subprocess.Popen([str(EXE), "run", str(inp), "-o", str(out), "--jobs", "2", "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        time.sleep(rng.uniform(1.0, 0.9 * span))
        workers = _worker_pids(p.pid)
        mid_run += p.poll() is None
        p.send_signal(signal.SIGKILL)
        p.wait()
        time.sleep(5)
        survivors += sum(_state(w) not in ("gone", "Z") for w in workers)
        rc, _, _ = run(inp, out, 3600)
        identical += rc == 0 and comparable(out, list(goods)) == reference
    return {"kills": n, "killed_mid_run": mid_run, "workers_alive_after_5s": survivors,
            "identical_after_resume": identical, "uninterrupted_seconds": round(span, 1)}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2]  # Z = a zombie: dead
    except OSError:
        return "gone"


def report_md(rep: dict) -> str:
    t = rep["fuzz"]["totals"]
    L = ["# Fuzz bench (`bench/fuzz_bench.py`, `make fuzz`)\n",
         f"{rep['date']}, code at `{rep['commit']}`, {rep['machine']}. `vnrestore run --jobs 2 --unit-timeout "
         f"{UNIT_TIMEOUT}` on batches of mutated inputs (texts, PNG, JPEG, TIFF, PDF) mixed with intact ones; the "
         "intact ones are compared with a clean run of them alone.\n",
         "| batch | exit | mutated | good | failed | internal errors | timed out | good missing | good different "
         "| peak MB | seconds |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rep["fuzz"]["batches"]:
        L.append(f"| {r['batch']} | {r['exit']} | {r['mutated']} | {r['good']} | {r['failed']} | {r['internal']} | "
                 f"{r['timeouts']} | {r['lost']} | {r['different']} | {r['peak_mb']} | {r['seconds']} |")
    k = rep["kill"]
    L += ["", f"In all: {t['mutated']} mutated inputs, {t['internal']} internal errors, {t['timeouts']} units over the "
          f"time limit, {t['lost']} good outputs missing, {t['different']} different; peak resident memory of any "
          f"process of any run {rep['fuzz']['peak_mb']} MB (worker ceiling 4096 MB of address space).", "",
          f"Kill tests: the main process SIGKILLed at {k['kills']} random moments of a {k['uninterrupted_seconds']} s "
          f"run ({k['killed_mid_run']} while it was working): {k['workers_alive_after_5s']} workers alive 5 s later; "
          f"{k['identical_after_resume']}/{k['kills']} reruns byte-identical to an uninterrupted run.",
          "", f"Wall time {rep['seconds']:.0f} s.", ""]
    return "\n".join(L)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--per-batch", type=int, default=200)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "fuzz")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    t0 = time.perf_counter()
    fuzz = fuzz_batches(args.work, args.batches, args.per_batch, rng)
    kill = kill_tests(args.work, args.kills, rng)
    rep = {"date": now_utc(), "commit": commit_id(), "machine": f"{os.cpu_count()} cores", "fuzz": fuzz,
           "kill": kill, "seconds": round(time.perf_counter() - t0, 1)}
    write_report(args.out, "fuzz-report", rep, report_md(rep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
