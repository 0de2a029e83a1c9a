"""vnrestore benchmark: accuracy and speed against pyvi's ``ViUtils.add_accents``.

Run from the repository root::

    python bench/run.py --shared ../shared --out bench

Everything is measured in one process and one run (plus a few short subprocesses for
model load time, cold command-line start and peak memory) and written, atomically, to
``<out>/report.md`` and ``<out>/report.json``.

Cases (inputs are files of this repository):

(a)  seed 001 (near-gold text layer of a directive) stripped of its diacritics, restored,
     compared with 001;
(b)  seed 000 (real Tesseract ``-l eng`` OCR of the same directive), body from the line
     ``Nhitng nim qua``, restored, compared with 001's body (from ``Những năm qua``);
(c1) held-out law texts (corpora/ocr-eng/heldout_truth.txt) stripped, restored;
(c2) the same lines rendered and read by ``tesseract -l eng`` (heldout_ocr.txt), restored;
(d)  001 itself restored: the share of its (already correct) syllables that change.

pyvi gets the text stripped of its marks ((b)/(c2): the OCR text after
``strip_diacritics``), line by line; lines it raises on stay as given and are counted.
"""

from __future__ import annotations

import os

os.environ["OMP_THREAD_LIMIT"] = "1"  # before numpy/numba/tesseract-using imports

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Literal, Optional  # noqa: E402

from pydantic import BaseModel, Field  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from diacritic_restore import model as modelmod  # noqa: E402
from diacritic_restore import syllable as syllmod  # noqa: E402
from diacritic_restore.evaluate import (  # noqa: E402
    changed_fraction,
    measure,
    strip_diacritics,
    syllable_tokens,
)
from diacritic_restore.lm import read_header  # noqa: E402
from diacritic_restore.syllable import canonical, skeleton  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
SEED_001 = "corpora/seeds/001_e606935788ca9248.txt"
SEED_000 = "corpora/seeds/000_bb47239e4054faff.txt"
GOLD_001 = "corpora/gold/001_corrected.txt"
HELD_TRUTH = "corpora/ocr-eng/heldout_truth.txt"
HELD_OCR = "corpora/ocr-eng/heldout_ocr.txt"
BODY_001 = "Những năm qua"
BODY_000 = "Nhitng nim qua"
CLI_LINE = "S6 15-CT/TU Séc Trang, ngay 23 thang 12 ndm 2022\n"


# --------------------------------------------------------------------------- report model


class Metrics(BaseModel):
    ref_syllables: int
    hyp_syllables: int
    accuracy_exact: float
    accuracy_style: float = Field(description="tone placement (uỷ/ủy) not counted")
    accuracy_base: float = Field(description="diacritics ignored")
    cer: float
    wer: float
    diacritic_error_rate: float
    changed_fraction: Optional[float] = Field(
        default=None, description="share of the reference's syllables not exactly kept (case d)")


class Speed(BaseModel):
    syllables: int = Field(description="reference syllable tokens (evaluate.syllable_tokens)")
    cold_syl_per_s: float = Field(description="best of the repeats, per-token caches cleared before each")
    warm_syl_per_s: Optional[float] = Field(default=None, description="best of the repeats, caches kept")
    cold_runs_s: list[float]
    warm_runs_s: list[float] = []


class Row(BaseModel):
    system: Literal["input", "vnrestore", "pyvi"]
    label: str
    reference: str
    metrics: Metrics
    speed: Optional[Speed] = None
    failed_lines: Optional[int] = Field(default=None, description="pyvi: lines that raised, kept as given")
    failed_by_error: dict[str, int] = {}


class ErrorPair(BaseModel):
    reference: str
    output: str
    count: int


class Case(BaseModel):
    key: str
    title: str
    description: str
    status: Literal["ok", "skipped", "error"]
    reason: Optional[str] = None
    reference_syllables: Optional[int] = None
    rows: list[Row] = []
    speed_ratio_cold: Optional[float] = Field(default=None, description="vnrestore cold / pyvi syl/s")
    speed_ratio_warm: Optional[float] = Field(default=None, description="vnrestore warm / pyvi syl/s")
    outputs_identical_across_repeats: Optional[bool] = None
    top_errors: list[ErrorPair] = []


class Target(BaseModel):
    name: str
    value: Optional[float]
    unit: str
    bar: str
    status: Literal["PASS", "FAIL", "SKIPPED"]
    note: str = ""


class Machine(BaseModel):
    nproc: int
    cpu_model: str
    python: str
    platform: str
    omp_thread_limit: str


class ModelInfo(BaseModel):
    directory: str
    lexicon_entries: Optional[int] = None
    lexicon_syllables: Optional[int] = Field(default=None, description="entries less <s>, </s>, <num>, <unk>…")
    lm_vocab: Optional[int] = None
    lm_order: Optional[int] = None
    ngram_counts: dict[str, int] = {}
    discounts: dict[str, float] = {}
    sources: Optional[str] = None
    files_bytes: dict[str, int] = {}
    total_mb: Optional[float] = None


class Resources(BaseModel):
    model_load_s: Optional[float] = Field(default=None, description="best of 3, fresh subprocess, imports excluded")
    model_load_runs_s: list[float] = []
    cold_cli_s: Optional[float] = Field(default=None, description="best of 3 wall times of `vnrestore restore` (one line)")
    cold_cli_runs_s: list[float] = []
    cold_cli_command: Optional[str] = None
    peak_rss_mb: Optional[float] = None
    peak_rss_method: Optional[str] = None
    peak_rss_output_matches: Optional[bool] = None
    errors: list[str] = []


class Report(BaseModel):
    title: str = "vnrestore benchmark"
    date: str
    commit: str
    dirty_files: list[str]
    machine: Machine
    model: ModelInfo
    training_exclusion: list[str]
    heldout_texts: list[str]
    cache_clearing: str
    cases: list[Case]
    targets: list[Target]
    resources: Resources
    notes: list[str]
    runtime_s: float


# --------------------------------------------------------------------------- helpers


class Missing(Exception):
    """An optional input is absent: the case is reported as skipped."""


def read_rel(rel: str) -> str:
    p = ROOT / rel
    if not p.is_file():
        raise Missing(f"{rel} not found")
    return p.read_text(encoding="utf-8")


def from_line(text: str, start: str, what: str) -> str:
    """``text`` from the first line that starts with ``start`` to the end."""
    m = re.search(r"(?m)^[ \t]*" + re.escape(start), text)
    if m is None:
        raise Missing(f"{what}: no line starting {start!r}")
    return text[m.start():]


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def metrics(hyp: str, ref: str, with_changed: bool = False) -> Metrics:
    m = measure(hyp, ref)
    return Metrics(
        ref_syllables=m.ref_syllables, hyp_syllables=m.hyp_syllables,
        accuracy_exact=m.syllable_accuracy, accuracy_style=m.syllable_accuracy_style,
        accuracy_base=m.syllable_accuracy_base, cer=m.cer, wer=m.wer,
        diacritic_error_rate=m.diacritic_error_rate,
        changed_fraction=changed_fraction(ref, hyp) if with_changed else None,
    )


def top_errors(hyp: str, ref: str, k: int = 15) -> list[ErrorPair]:
    """Most frequent (reference → output) syllable confusions, style-insensitive.

    Aligned like evaluate.measure: Levenshtein opcodes over skeleton lists; pairs in
    equal/1:1 blocks count when their canonical forms differ; deletions and insertions
    count as ``x → ∅`` and ``∅ → y``."""
    R, H = syllable_tokens(ref), syllable_tokens(hyp)
    errs: Counter[tuple[str, str]] = Counter()
    for tag, r0, r1, h0, h1 in Levenshtein.opcodes([skeleton(x) for x in R], [skeleton(x) for x in H]):
        if tag in ("equal", "replace"):
            n = min(r1 - r0, h1 - h0)
            for a, b in zip(R[r0:r0 + n], H[h0:h0 + n]):
                if canonical(a) != canonical(b):
                    errs[(a, b)] += 1
            for a in R[r0 + n:r1]:
                errs[(a, "∅")] += 1
            for b in H[h0 + n:h1]:
                errs[("∅", b)] += 1
        elif tag == "delete":
            for a in R[r0:r1]:
                errs[(a, "∅")] += 1
        elif tag == "insert":
            for b in H[h0:h1]:
                errs[("∅", b)] += 1
    return [ErrorPair(reference=a, output=b, count=n) for (a, b), n in errs.most_common(k)]


# --------------------------------------------------------------------------- systems

_LETTERS = re.compile(r"[^\W\d_]+")


def recase(src: str, out: str) -> str:
    """pyvi lower-cases (and sometimes capitalises letters mid-word); give each letter run
    of its output the input's ALL-CAPS / Title / lower case, token by token."""
    out = out.lower()
    if len(out) != len(src):  # pyvi maps character to character; never seen otherwise
        return out
    parts = []
    last = 0
    for m in _LETTERS.finditer(src):
        i, j = m.span()
        tok, seg = m.group(), out[i:j]
        if len(tok) > 1 and tok.isupper():
            seg = seg.upper()
        elif tok[0].isupper():
            seg = seg[:1].upper() + seg[1:]
        parts.append(out[last:i])
        parts.append(seg)
        last = j
    parts.append(out[last:])
    return "".join(parts)


def pyvi_restore(text: str) -> tuple[str, Counter[str]]:
    """``ViUtils.add_accents`` line by line; a line that raises is kept as given."""
    from pyvi import ViUtils

    out: list[str] = []
    failed: Counter[str] = Counter()
    for line in text.split("\n"):
        if not line.strip():
            out.append(line)
            continue
        try:
            res = ViUtils.add_accents(line)
        except Exception as exc:  # KeyError on some symbols; counted, not hidden
            failed[type(exc).__name__] += 1
            out.append(line)
            continue
        if isinstance(res, bytes):
            res = res.decode("utf-8")
        out.append(recase(line, res))
    return "\n".join(out), failed


def clear_caches(r) -> list[str]:
    """Empty the restorer's per-token caches (and the syllable module's memoised
    per-word helpers) so that a timed run pays for candidate generation."""
    cleared = []
    names = ["_cand_cache", "_skel_cache"] + sorted(n for n in vars(r) if n.endswith("_cache"))
    for name in dict.fromkeys(names):
        c = getattr(r, name, None)
        if c is not None and hasattr(c, "clear"):
            c.clear()
            cleared.append(f"Restorer.{name}")
    for name in sorted(vars(syllmod)):
        f = getattr(syllmod, name)
        if callable(f) and hasattr(f, "cache_clear"):
            f.cache_clear()
            cleared.append(f"syllable.{name}")
    return cleared


def time_runs(fn: Callable[[], str], before: Callable[[], object] | None = None) -> tuple[list[str], list[float]]:
    outs, times = [], []
    for _ in range(REPEATS):
        if before is not None:
            before()
        gc.collect()
        t = time.perf_counter()
        outs.append(fn())
        times.append(time.perf_counter() - t)
    return outs, times


# --------------------------------------------------------------------------- cases


class CaseSpec:
    def __init__(self, key: str, title: str, description: str, load: Callable[[], dict]):
        self.key, self.title, self.description, self.load = key, title, description, load


def run_case(spec: CaseSpec, restorer, pyvi_ok: bool, keep: dict) -> Case:
    case = Case(key=spec.key, title=spec.title, description=spec.description, status="ok")
    try:
        d = spec.load()
    except Missing as exc:
        case.status, case.reason = "skipped", str(exc)
        return case
    src, ref, ref_label = d["input"], d["reference"], d["reference_label"]
    pyvi_in = d["pyvi_input"]
    extra_refs: dict[str, str] = d.get("extra_refs", {})
    is_d = spec.key == "d"
    n = len(syllable_tokens(ref))
    case.reference_syllables = n

    # vnrestore: cold (caches cleared before each repeat), then warm (caches kept)
    cold_outs, cold_t = time_runs(lambda: restorer.restore(src), lambda: clear_caches(restorer))
    warm_outs, warm_t = time_runs(lambda: restorer.restore(src))
    out = cold_outs[0]
    case.outputs_identical_across_repeats = all(o == out for o in cold_outs + warm_outs)
    keep[spec.key] = out
    vn_speed = Speed(syllables=n, cold_syl_per_s=n / min(cold_t), warm_syl_per_s=n / min(warm_t),
                     cold_runs_s=cold_t, warm_runs_s=warm_t)

    refs = {ref_label: ref, **extra_refs}
    if d.get("input_row", False):
        for lab, rf in refs.items():
            case.rows.append(Row(system="input", label=d["input_label"], reference=lab,
                                 metrics=metrics(src, rf, is_d)))
    for lab, rf in refs.items():
        case.rows.append(Row(system="vnrestore", label="vnrestore", reference=lab, metrics=metrics(out, rf, is_d),
                             speed=vn_speed if lab == ref_label else None))
    if pyvi_ok:
        pv_outs, pv_t = time_runs(lambda: pyvi_restore(pyvi_in)[0])
        pv_out, failed = pyvi_restore(pyvi_in)
        pv_speed = Speed(syllables=n, cold_syl_per_s=n / min(pv_t), cold_runs_s=pv_t)
        for lab, rf in refs.items():
            case.rows.append(Row(system="pyvi", label=f"pyvi add_accents ({d['pyvi_label']})", reference=lab,
                                 metrics=metrics(pv_out, rf, is_d), speed=pv_speed if lab == ref_label else None,
                                 failed_lines=sum(failed.values()), failed_by_error=dict(failed)))
        case.speed_ratio_cold = vn_speed.cold_syl_per_s / pv_speed.cold_syl_per_s
        case.speed_ratio_warm = vn_speed.warm_syl_per_s / pv_speed.cold_syl_per_s
    if spec.key in ("a", "b", "d"):
        case.top_errors = top_errors(out, ref)
    return case


def make_specs() -> list[CaseSpec]:
    def a() -> dict:
        s001 = read_rel(SEED_001)
        d = dict(input=strip_diacritics(s001), reference=s001, reference_label="001",
                 input_row=True, input_label="input (001 stripped)",
                 pyvi_input=strip_diacritics(s001), pyvi_label="001 stripped")
        if (ROOT / GOLD_001).is_file():
            d["extra_refs"] = {"001 hand-corrected (info)": read_rel(GOLD_001)}
        return d

    def b() -> dict:
        s001, s000 = read_rel(SEED_001), read_rel(SEED_000)
        body000 = from_line(s000, BODY_000, "000")
        d = dict(input=body000, reference=from_line(s001, BODY_001, "001"), reference_label="001 body",
                 input_row=True, input_label="input (raw 000 body)",
                 pyvi_input=strip_diacritics(body000), pyvi_label="000 body stripped")
        if (ROOT / GOLD_001).is_file():
            d["extra_refs"] = {"001 body hand-corrected (info)": from_line(read_rel(GOLD_001), BODY_001, "gold")}
        return d

    def c1() -> dict:
        ht = read_rel(HELD_TRUTH)
        return dict(input=strip_diacritics(ht), reference=ht, reference_label="held-out truth",
                    input_row=True, input_label="input (truth stripped)",
                    pyvi_input=strip_diacritics(ht), pyvi_label="truth stripped")

    def c2() -> dict:
        ht, ho = read_rel(HELD_TRUTH), read_rel(HELD_OCR)
        if ht.count("\n") != ho.count("\n"):
            raise Missing(f"{HELD_OCR} and {HELD_TRUTH} are not line-aligned")
        return dict(input=ho, reference=ht, reference_label="held-out truth",
                    input_row=True, input_label="input (raw Tesseract eng OCR)",
                    pyvi_input=strip_diacritics(ho), pyvi_label="OCR stripped")

    def d() -> dict:
        s001 = read_rel(SEED_001)
        return dict(input=s001, reference=s001, reference_label="001",
                    pyvi_input=s001, pyvi_label="001 as given")

    return [
        CaseSpec("a", "(a) 001 stripped → restore", "Seed 001 with every diacritic removed "
                 "(`evaluate.strip_diacritics`), restored, compared with 001.", a),
        CaseSpec("b", "(b) 000 English-model OCR → restore", "Seed 000 (real Tesseract `-l eng` OCR of the same "
                 f"directive), from the line `{BODY_000}`, restored, compared with 001's body (from `{BODY_001}`). "
                 "The input row is the raw OCR without restoration.", b),
        CaseSpec("c1", "(c1) held-out laws stripped → restore", "The held-out law lines "
                 f"(`{HELD_TRUTH}`) stripped, restored, compared with the truth.", c1),
        CaseSpec("c2", "(c2) held-out laws, English-model OCR → restore", "The same lines rendered to page images "
                 f"and read by `tesseract -l eng` (`{HELD_OCR}`, line-aligned), restored, compared with the truth.",
                 c2),
        CaseSpec("d", "(d) 001 as given → restore (already-correct text)", "001 itself restored; `changed` = "
                 "`evaluate.changed_fraction(001, restored)`, the share of its syllables not kept exactly. "
                 "pyvi gets 001 as given too (it is not designed for accented input; shown for completeness).", d),
    ]


# --------------------------------------------------------------------------- subprocesses


def sub_env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def model_load_runs() -> list[float]:
    code = ("import time\nfrom diacritic_restore import model\n"
            "d = model.default_model_dir()\n"
            "t = time.perf_counter(); model._load_uncached(d, None); print(time.perf_counter() - t)\n")
    runs = []
    for _ in range(REPEATS):
        p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=sub_env(), capture_output=True,
                           text=True, check=True, timeout=120)
        runs.append(float(p.stdout.strip().splitlines()[-1]))
    return runs


def cli_runs(tmp: Path) -> tuple[list[float], str]:
    exe = Path(sys.executable).parent / "vnrestore"
    if exe.exists():
        cmd = [str(exe)]
    elif shutil.which("vnrestore"):
        cmd = [shutil.which("vnrestore")]
    else:
        cmd = [sys.executable, "-c", "from diacritic_restore.cli import cli; cli()"]
    f = tmp / "one_line.txt"
    f.write_text(CLI_LINE, encoding="utf-8")
    runs = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        subprocess.run(cmd + ["restore", str(f)], cwd=ROOT, env=sub_env(), capture_output=True, text=True,
                       check=True, timeout=120)
        runs.append(time.perf_counter() - t)
    label = "vnrestore" if len(cmd) == 1 else "python -c 'from diacritic_restore.cli import cli; cli()'"
    return runs, f"{label} restore <one-line file>"


def peak_rss(tmp: Path, texts: list[str]) -> tuple[float, str, list[str]]:
    """Peak RSS (MB) of a fresh process that loads the model and restores ``texts``."""
    files = []
    for i, t in enumerate(texts):
        p = tmp / f"rss_{i}.txt"
        p.write_text(t, encoding="utf-8")
        files.append(str(p))
    outp = tmp / "rss_out.txt"
    code = ("import sys\nfrom diacritic_restore import model\nr = model.load()\n"
            "outs = [r.restore(open(p, encoding='utf-8').read()) for p in sys.argv[2:]]\n"
            "open(sys.argv[1], 'w', encoding='utf-8').write('\\x00'.join(outs))\n")
    base = [sys.executable, "-c", code, str(outp), *files]
    timebin = Path("/usr/bin/time")
    if timebin.exists():
        p = subprocess.run([str(timebin), "-v", *base], cwd=ROOT, env=sub_env(), capture_output=True, text=True,
                           check=True, timeout=300)
        m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", p.stderr)
        if m:
            return int(m.group(1)) / 1024, "/usr/bin/time -v (Maximum resident set size)", \
                outp.read_text(encoding="utf-8").split("\x00")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(base, cwd=ROOT, env=sub_env(), capture_output=True, text=True, check=True, timeout=300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    method = "resource.getrusage(RUSAGE_CHILDREN).ru_maxrss"
    if after <= before:
        method += " (upper bound: an earlier child was as large)"
    return after / 1024, method, outp.read_text(encoding="utf-8").split("\x00")


# --------------------------------------------------------------------------- provenance


def git_commit() -> tuple[str, list[str]]:
    try:
        c = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.strip()
        st = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
        dirty = [ln[3:] for ln in st.splitlines() if ln.strip()]
        return c + ("+dirty" if dirty else ""), dirty
    except (OSError, subprocess.CalledProcessError):
        return "unknown", []


def machine() -> Machine:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    # GNU nproc honours OMP_NUM_THREADS / OMP_THREAD_LIMIT, which this bench sets: ask without them
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True, check=True, env=env).stdout.strip())
    except (OSError, ValueError, subprocess.CalledProcessError):
        nproc = len(os.sched_getaffinity(0))
    return Machine(nproc=nproc, cpu_model=cpu, python=platform.python_version(),
                   platform=f"{platform.system()} {platform.release()} {platform.machine()}",
                   omp_thread_limit=os.environ.get("OMP_THREAD_LIMIT", ""))


def model_info() -> ModelInfo:
    d = modelmod.default_model_dir()
    info = ModelInfo(directory=str(d.relative_to(ROOT) if d.is_relative_to(ROOT) else d))
    files = {str(p.relative_to(d)): p.stat().st_size for p in sorted(d.rglob("*")) if p.is_file()}
    info.files_bytes = files
    info.total_mb = sum(files.values()) / 1e6
    h = read_header(d / "lm.npz")
    meta = h.get("meta", {})
    info.lm_vocab = len(h.get("vocab", []))
    info.lm_order = h.get("order")
    info.ngram_counts = {str(k): int(v) for k, v in sorted(meta.get("ngrams", {}).items())}
    info.discounts = {str(k): float(v) for k, v in sorted(meta.get("discounts", {}).items())}
    info.sources = meta.get("sources")
    lex = d / "lexicon.tsv"
    if lex.is_file():
        with lex.open(encoding="utf-8") as fh:
            rows = [ln.split("\t", 1)[0] for ln in fh if ln.strip() and not ln.startswith("#")]
        if rows and rows[0] == "syllable":  # column header
            rows = rows[1:]
        info.lexicon_entries = len(rows)
        info.lexicon_syllables = sum(not w.startswith("<") for w in rows)
    return info


def exclusion(shared: Path) -> tuple[list[str], list[str]]:
    """What models/README.md and corpora/heldout.txt say about the evaluation texts."""
    held = []
    hp = ROOT / "corpora" / "heldout.txt"
    if hp.is_file():
        held = [ln.strip() for ln in hp.read_text(encoding="utf-8").splitlines()
                if ln.strip() and not ln.startswith("#")]
    lines = []
    readme = ROOT / "models" / "README.md"
    quote = None
    if readme.is_file():
        txt = " ".join(readme.read_text(encoding="utf-8").split())
        m = re.search(r"Never used for any model:.*?\.(?= |$)", txt)
        quote = m.group(0) if m else None
    lines.append(
        "Seeds 000 and 001 (the evaluation documents of cases a, b, d) and the hand-corrected "
        "corpora/gold/001_corrected.txt are not in the models' training data; neither are the "
        f"{len(held)} held-out laws of corpora/heldout.txt whose lines make up cases c1 and c2 "
        "(`make models` skips them).")
    if quote:
        lines.append(f"models/README.md: “{quote}”")
    else:
        lines.append("models/README.md: no exclusion statement found - check it.")
    if held and shared.is_dir():
        present = sum((shared / "data" / h).is_file() for h in held)
        lines.append(f"{present} of the {len(held)} held-out texts are present under {shared}/data "
                     "(the sources of the held-out lines; not read by this bench).")
    return lines, held


# --------------------------------------------------------------------------- targets


def targets(cases: dict[str, Case], res: Resources, model: ModelInfo) -> list[Target]:
    def row(key: str, system: str, ref: str | None = None) -> Row | None:
        c = cases.get(key)
        if c is None or c.status != "ok":
            return None
        for r in c.rows:
            if r.system == system and (ref is None or r.reference == ref):
                return r
        return None

    def t(name: str, value: float | None, unit: str, bar: str, ok: Callable[[float], bool], note: str = "") -> Target:
        if value is None:
            return Target(name=name, value=None, unit=unit, bar=bar, status="SKIPPED", note=note)
        return Target(name=name, value=value, unit=unit, bar=bar, status="PASS" if ok(value) else "FAIL", note=note)

    ra, rb, rd = row("a", "vnrestore", "001"), row("b", "vnrestore", "001 body"), row("d", "vnrestore")
    ga = row("a", "vnrestore", "001 hand-corrected (info)")
    gb = row("b", "vnrestore", "001 body hand-corrected (info)")
    na = f"vs hand-corrected 001: {pct(ga.metrics.accuracy_style)}" if ga else ""
    nb = f"vs hand-corrected 001 body: {pct(gb.metrics.accuracy_style)}" if gb else ""

    def warm(c: Case | None) -> str:
        return f"warm: {c.speed_ratio_warm:.2f}x" if c and c.speed_ratio_warm is not None else ""

    ca, cb, cc2 = cases.get("a"), cases.get("b"), cases.get("c2")
    return [
        t("(a) 001 stripped: style-insensitive syllable accuracy vs 001", ra and ra.metrics.accuracy_style, "%",
          "≥ 98.5%", lambda v: v >= 0.985, na),
        t("(b) 000 OCR: style-insensitive syllable accuracy vs 001 body", rb and rb.metrics.accuracy_style, "%",
          "≥ 97%", lambda v: v >= 0.97, nb),
        t("(d) 001 restored: share of correct syllables changed", rd and rd.metrics.changed_fraction, "%",
          "≤ 0.5%", lambda v: v <= 0.005),
        t("(a) stripped throughput, vnrestore cold / pyvi", ca and ca.speed_ratio_cold, "x", "≥ 2x",
          lambda v: v >= 2, warm(ca)),
        t("(b) garbled throughput, vnrestore cold / pyvi", cb and cb.speed_ratio_cold, "x", "≥ 1x",
          lambda v: v >= 1, warm(cb)),
        t("(c2) garbled throughput, vnrestore cold / pyvi", cc2 and cc2.speed_ratio_cold, "x", "≥ 1x",
          lambda v: v >= 1, warm(cc2)),
        t("model load (fresh process, imports excluded)", res.model_load_s, "s", "≤ 2 s", lambda v: v <= 2),
        t("peak memory (load + restore b and c2)", res.peak_rss_mb, "MB", "≤ 1 GB (1024 MB)",
          lambda v: v <= 1024),
        t("models/ total size", model.total_mb, "MB", "≤ 50 MB", lambda v: v <= 50),
    ]


# --------------------------------------------------------------------------- markdown


def pct(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def num(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def fmt_target(t: Target) -> str:
    if t.value is None:
        return "—"
    if t.unit == "%":
        return pct(t.value, 2 if t.value > 0.05 else 3)
    if t.unit == "x":
        return f"{t.value:.2f}x"
    if t.unit == "s":
        return f"{t.value:.2f} s"
    return f"{t.value:,.1f} {t.unit}"


def render_md(rep: Report) -> str:
    m, mo = rep.machine, rep.model
    L = [
        f"# {rep.title}",
        "",
        f"- date: {rep.date}",
        f"- commit: `{rep.commit}`" + (f" ({len(rep.dirty_files)} changed/untracked files: "
                                       + ", ".join(f"`{f}`" for f in rep.dirty_files[:8])
                                       + (" …" if len(rep.dirty_files) > 8 else "") + ")" if rep.dirty_files else ""),
        f"- machine: {m.nproc} cores (`nproc`), {m.cpu_model}, {m.platform}; Python {m.python}; "
        f"OMP_THREAD_LIMIT={m.omp_thread_limit}; shared with other processes, so every time is the best of "
        f"{REPEATS} repeats",
        f"- model (`{mo.directory}/`): lexicon {mo.lexicon_syllables or 0:,} syllables ({mo.lexicon_entries or 0:,} entries "
        f"with the special tokens; LM vocabulary {mo.lm_vocab:,}), "
        f"order-{mo.lm_order} LM with n-gram counts "
        + ", ".join(f"{k}-grams {v:,}" for k, v in mo.ngram_counts.items())
        + f"; {mo.total_mb:.1f} MB in total (every file under it)"
        + (f"; sources (weights): {mo.sources}" if mo.sources else ""),
        f"- whole bench: {rep.runtime_s:.0f} s",
        "",
        "## Evaluation data is held out",
        "",
    ]
    L += [f"- {x}" for x in rep.training_exclusion]
    if rep.heldout_texts:
        L.append("- held-out laws: " + ", ".join(f"`{h}`" for h in rep.heldout_texts))
    L += ["", "## Targets", "", "| target | value | bar | result | also |", "|---|---:|---|---|---|"]
    for t in rep.targets:
        L.append(f"| {t.name} | {fmt_target(t)} | {t.bar} | **{t.status}** | {t.note} |")
    L += [
        "",
        "## Accuracy and speed",
        "",
        "Syllable accuracy over the reference's syllable tokens (`evaluate.measure`): *exact*; *style* = tone "
        "placement not counted (`uỷ` = `ủy`); *base* = diacritics ignored. CER/WER on the whole text "
        "(case-sensitive). DER = diacritic errors among syllables whose letters are right. Speed: reference "
        "syllables per second; vnrestore *cold* = best of 3 runs each after clearing the per-token caches, "
        "*warm* = best of 3 with caches kept; pyvi = best of 3 (it has no cache). Ratio = vnrestore cold / pyvi "
        "(warm / pyvi in brackets).",
        "",
    ]
    for c in rep.cases:
        L += [f"### {c.title}", "", c.description, ""]
        if c.status != "ok":
            L += [f"**{c.status.upper()}**: {c.reason}", ""]
            continue
        is_d = c.key == "d"
        head = "| system | reference | exact | style | base | CER | WER | DER |"
        sep = "|---|---|---:|---:|---:|---:|---:|---:|"
        if is_d:
            head += " changed |"
            sep += "---:|"
        head += " syl/s cold | syl/s warm |"
        sep += "---:|---:|"
        L += [head, sep]
        for r in c.rows:
            x = r.metrics
            lab = r.label + (f" — {r.failed_lines} lines raised, kept" if r.failed_lines else "")
            line = (f"| {lab} | {r.reference} | {pct(x.accuracy_exact)} | {pct(x.accuracy_style)} | "
                    f"{pct(x.accuracy_base)} | {pct(x.cer)} | {pct(x.wer)} | {pct(x.diacritic_error_rate)} |")
            if is_d:
                line += f" {pct(x.changed_fraction, 3)} |"
            sp = r.speed
            line += f" {num(sp.cold_syl_per_s) if sp else '—'} | {num(sp.warm_syl_per_s) if sp else '—'} |"
            L.append(line)
        L.append("")
        L.append(f"{c.reference_syllables:,} reference syllables."
                 + (f" Speed ratio vnrestore / pyvi: **{c.speed_ratio_cold:.2f}x** cold "
                    f"({c.speed_ratio_warm:.2f}x warm)." if c.speed_ratio_cold is not None else " pyvi not run.")
                 + ("" if c.outputs_identical_across_repeats else
                    " **Warning: vnrestore's output differed between repeats.**"))
        L.append("")
        if c.top_errors:
            what = "syllables changed" if is_d else "errors"
            L += [f"Top {len(c.top_errors)} vnrestore {what} (reference → output, style-insensitive, "
                  "∅ = missing/extra syllable):", "", "| reference | output | count |", "|---|---|---:|"]
            L += [f"| {e.reference} | {e.output} | {e.count} |" for e in c.top_errors]
            L.append("")
    r = rep.resources
    L += [
        "## Resources",
        "",
        f"- model load, `model._load_uncached(default_model_dir(), None)` in a fresh `python -c` (Python and "
        f"numba imports excluded): best {r.model_load_s:.2f} s"
        f" (runs: {', '.join(f'{x:.2f}' for x in r.model_load_runs_s)})" if r.model_load_s is not None
        else "- model load: not measured",
        f"- cold command line, `{r.cold_cli_command}`, whole process wall time: best {r.cold_cli_s:.2f} s"
        f" (runs: {', '.join(f'{x:.2f}' for x in r.cold_cli_runs_s)})" if r.cold_cli_s is not None
        else "- cold command line: not measured",
        f"- peak memory of a process that loads the model and restores (b) and (c2): {r.peak_rss_mb:.0f} MB "
        f"({r.peak_rss_method}); its outputs "
        + ("match" if r.peak_rss_output_matches else "DO NOT match") + " this process's"
        if r.peak_rss_mb is not None else "- peak memory: not measured",
        f"- models/: {mo.total_mb:.2f} MB (" + ", ".join(f"`{k}` {v / 1e6:.2f} MB" for k, v in mo.files_bytes.items())
        + ")",
    ]
    L += [f"- error: {e}" for e in r.errors]
    L += ["", "## Notes", ""]
    L += [f"- {n}" for n in rep.notes]
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description="vnrestore accuracy and speed benchmark (vs pyvi).")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared data folder (only checked for the held-out texts)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench", help="where report.md and report.json go")
    args = ap.parse_args()
    t0 = time.perf_counter()
    commit, dirty = git_commit()  # before anything is written
    mach = machine()
    notes: list[str] = []
    failed = False

    restorer = modelmod.load()
    restorer.restore("ket nap dang vien")  # numba kernels loaded/compiled before any timing
    try:
        import pyvi.ViUtils  # noqa: F401
        pyvi_ok = True
    except Exception as exc:  # noqa: BLE001
        pyvi_ok = False
        notes.append(f"pyvi could not be imported ({exc}); its rows are missing.")

    outputs: dict[str, str] = {}
    cases: list[Case] = []
    for spec in make_specs():
        try:
            cases.append(run_case(spec, restorer, pyvi_ok, outputs))
        except Exception:  # noqa: BLE001 - keep going, report it
            failed = True
            cases.append(Case(key=spec.key, title=spec.title, description=spec.description, status="error",
                              reason=traceback.format_exc(limit=3).strip().splitlines()[-1]))
        c = cases[-1]
        print(f"[{time.perf_counter() - t0:5.1f} s] {c.title}: {c.status}", file=sys.stderr)
    by_key = {c.key: c for c in cases}

    res = Resources()
    try:
        res.model_load_runs_s = model_load_runs()
        res.model_load_s = min(res.model_load_runs_s)
    except Exception as exc:  # noqa: BLE001
        res.errors.append(f"model load timing: {exc}")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            res.cold_cli_runs_s, res.cold_cli_command = cli_runs(Path(tmp))
            res.cold_cli_s = min(res.cold_cli_runs_s)
        except Exception as exc:  # noqa: BLE001
            res.errors.append(f"cold CLI timing: {exc}")
        try:
            texts, keys = [], []
            for k in ("b", "c2"):
                if by_key.get(k) and by_key[k].status == "ok":
                    spec = next(s for s in make_specs() if s.key == k)
                    texts.append(spec.load()["input"])
                    keys.append(k)
            if texts:
                res.peak_rss_mb, res.peak_rss_method, outs = peak_rss(Path(tmp), texts)
                res.peak_rss_output_matches = outs == [outputs[k] for k in keys]
                if keys != ["b", "c2"]:
                    res.peak_rss_method += f" (restored only {', '.join(keys)})"
        except Exception as exc:  # noqa: BLE001
            res.errors.append(f"peak memory: {exc}")
    if res.errors:
        failed = True
        notes.append("Some resource measurements failed; see Resources.")

    minfo = model_info()
    excl, held = exclusion(args.shared)
    cleared = clear_caches(restorer)
    tg = targets(by_key, res, minfo)

    notes += [
        "Targets are judged on the references the cases define (001 and 001's body as given). 001 as given "
        "has a few text-layer errors (see corpora/gold/README.md); rows marked *(info)* compare with the "
        "hand-corrected corpora/gold/001_corrected.txt and are not used for PASS/FAIL.",
        "Tone-placement style cannot be known from stripped text; *exact* counts it, *style* does not.",
        "pyvi input: the stripped text for (a)/(c1); for (b)/(c2) the OCR text after `strip_diacritics` (what a "
        "tool expecting unaccented text should get); 001 as given for (d). It runs line by line; lines that "
        "raise stay as given (counted in the table); its lower-cased output gets the input's ALL-CAPS / Title "
        "case back per letter run. Its time includes that wrapper.",
        "(b) aligns 000's body with 001's body; 000 OCR'd the signature block (`T/M BAN THUONG vu`, "
        "`PHO BI THU THUONG TRuC`) in between the recipients while 001 has it at the end, so those syllables "
        "cannot align (the `∅` rows of its top errors) and cap the attainable accuracy slightly below 100%.",
        f"Cold runs cleared: {', '.join(cleared)} (the syllable helpers are memoised per word, so they are "
        "cleared too, to count all per-token work; clearing them or not made no measurable difference). The numba "
        "kernels are loaded once before timing.",
        "Throughput targets use vnrestore's cold figure against pyvi's best.",
    ]
    runtime = time.perf_counter() - t0
    rep = Report(
        date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), commit=commit, dirty_files=dirty,
        machine=mach, model=minfo, training_exclusion=excl, heldout_texts=held,
        cache_clearing=", ".join(cleared), cases=cases, targets=tg, resources=res, notes=notes, runtime_s=runtime,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    md = render_md(rep)
    write_atomic(args.out / "report.json", rep.model_dump_json(indent=1) + "\n")
    write_atomic(args.out / "report.md", md)
    print(md)
    print(f"wrote {args.out / 'report.md'} and {args.out / 'report.json'} in {runtime:.0f} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
