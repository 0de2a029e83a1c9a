"""Syllable n-gram language model: interpolated Kneser-Ney training and a compact store.

Training counts n-grams with numpy over integer-packed keys (16 bits per syllable id),
so the 14M-syllable training set counts in seconds.  The model is kept in backoff form
(log p of each kept n-gram, log backoff weight of each context), the same information as
an ARPA file, in a versioned ``.npz`` (no pickle) that loads in well under a second.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from diacritic_restore.fileio import atomic_open
from diacritic_restore.models.store import LM
from diacritic_restore.text.tokens import BOS, EOS, NUM, UNK

FORMAT = LM.format
VERSION = LM.version
BITS = 16
MASK = (1 << BITS) - 1
SPECIALS = (BOS, EOS, NUM, UNK)


class ModelFormatError(ValueError):
    """A model file that is not a vnrestore LM of a version this code reads."""


@dataclass
class NgramModel:
    """Backoff tables.  ``keys[n]`` are sorted packed n-grams (n = 1..order) with their
    natural-log probabilities ``logp[n]`` and, below the top order, backoff weights."""

    order: int
    vocab: list[str]
    keys: dict[int, np.ndarray]
    logp: dict[int, np.ndarray]
    bow: dict[int, np.ndarray]
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.vocab)}

    # -- slow but simple reference scoring (tests, tools); the decoder has its own ------
    def _find(self, n: int, key: int) -> int:
        arr = self.keys[n]
        i = int(np.searchsorted(arr, key))
        return i if i < len(arr) and int(arr[i]) == key else -1

    def logprob(self, word: str, history: Sequence[str] = ()) -> float:
        ids = [self.index.get(w, self.index[UNK]) for w in (*history, word)]
        ids = ids[-self.order :]
        return self._logprob_ids(ids)

    def _logprob_ids(self, ids: list[int]) -> float:
        n = len(ids)
        if n == 1:
            return float(self.logp[1][ids[0]])
        key = pack(ids)
        i = self._find(n, key)
        if i >= 0:
            return float(self.logp[n][i])
        j = self._find(n - 1, pack(ids[:-1]))
        b = float(self.bow[n - 1][j]) if j >= 0 else 0.0
        return b + self._logprob_ids(ids[1:])

    def score_sentence(self, words: Sequence[str]) -> float:
        hist: list[str] = [BOS] * (self.order - 1)
        total = 0.0
        for w in (*words, EOS):
            total += self.logprob(w, hist)
            hist = (hist + [w])[1:]
        return total


def pack(ids: Sequence[int]) -> int:
    key = 0
    for i in ids:
        key = (key << BITS) | int(i)
    return key


# --------------------------------------------------------------------------- training


def _windows(seq: np.ndarray, seg: np.ndarray, n: int) -> np.ndarray:
    """Indices i where seq[i:i+n] lies inside one segment."""
    if len(seq) < n:
        return np.zeros(0, dtype=np.int64)
    ok = seg[: len(seg) - n + 1] == seg[n - 1 :]
    return np.nonzero(ok)[0]


def _pack_windows(seq: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    key = np.zeros(len(starts), dtype=np.int64)
    for k in range(n):
        key = (key << BITS) | seq[starts + k]
    return key


def _discount(counts: np.ndarray) -> float:
    """Kneser-Ney's D = n1 / (n1 + 2 n2) from the counts of counts."""
    n1 = float(np.sum(counts == 1))
    n2 = float(np.sum(counts == 2))
    if n1 == 0 or n2 == 0:
        return 0.5
    return min(max(n1 / (n1 + 2 * n2), 0.1), 0.95)


def train_ids(
    seq: np.ndarray,
    seg: np.ndarray,
    weight: np.ndarray,
    vocab: list[str],
    order: int = 3,
    cutoffs: dict[int, int] | None = None,
) -> NgramModel:
    """Interpolated Kneser-Ney over a padded id sequence.

    ``seq`` holds ids with each segment written as BOS*(order-1) + syllables + EOS;
    ``seg`` its segment number and ``weight`` the integer count weight of each position
    (in-domain text counts several times).  ``cutoffs[n]`` drops n-grams seen fewer
    times than that from the stored table (their mass still reaches lower orders).
    """
    bos = vocab.index(BOS)
    real, raw = _count(seq, seg, weight, order, bos)
    used = _continuation_counts(real, order, bos)
    logp, gamma, discounts = _interpolate(real, raw, used, len(vocab), order, bos)
    out_keys, out_logp, out_bow = _backoff_form(real, logp, gamma, len(vocab), order, cutoffs or {})
    meta = {"discounts": discounts, "ngrams": {n: int(len(out_keys[n])) for n in out_keys}}
    return NgramModel(order, list(vocab), out_keys, out_logp, out_bow, meta)


_Counts = dict[int, tuple[np.ndarray, np.ndarray]]  # order → (sorted packed keys, counts)


def _count(seq: np.ndarray, seg: np.ndarray, weight: np.ndarray, order: int,
           bos: int) -> tuple[_Counts, dict[int, np.ndarray]]:
    """Per order: the distinct n-grams with weighted counts, and their unweighted counts."""
    real: _Counts = {}
    raw: dict[int, np.ndarray] = {}
    for n in range(1, order + 1):
        starts = _windows(seq, seg, n)
        keys = _pack_windows(seq, starts, n)
        if n > 1:
            # padding-only n-grams (BOS BOS) carry no information
            last = seq[starts + n - 1]
            keep = last != bos
            keys, starts = keys[keep], starts[keep]
        w = weight[starts + n - 1].astype(np.int64)
        uk, inv = np.unique(keys, return_inverse=True)
        real[n] = (uk, np.bincount(inv, weights=w).astype(np.int64))
        # discounts come from unweighted counts: weighting multiplies every count and
        # would leave no singletons to estimate them from
        raw[n] = np.bincount(inv)
    return real, raw


def _continuation_counts(real: _Counts, order: int, bos: int) -> dict[int, np.ndarray]:
    """Counts used at each order: real counts at the top, continuation counts below
    (number of distinct left extensions), except for n-grams that start with BOS."""
    used: dict[int, np.ndarray] = {}
    used[order] = real[order][1]
    for n in range(order - 1, 0, -1):
        uk = real[n][0]
        ext = real[n + 1][0]
        suffix = ext & ((1 << (BITS * n)) - 1)
        ext_first = ext >> (BITS * n)
        suffix = suffix[ext_first != bos]
        su, sc = np.unique(suffix, return_counts=True)
        cont = np.zeros(len(uk), dtype=np.int64)
        pos = np.searchsorted(uk, su)
        cont[pos] = sc
        first = uk >> (BITS * (n - 1))
        starts_bos = first == bos
        cont[starts_bos] = real[n][1][starts_bos]
        # an n-gram seen only after BOS padding still needs a count
        cont = np.where(cont == 0, real[n][1], cont)
        used[n] = cont
    return used


def _interpolate(
    real: _Counts, raw: dict[int, np.ndarray], used: dict[int, np.ndarray], V: int, order: int, bos: int,
) -> tuple[dict[int, np.ndarray], dict[int, tuple[np.ndarray, np.ndarray]], dict[int, float]]:
    """Interpolated probabilities of every counted n-gram, the log interpolation weight
    of each context (per order, as (contexts, weights)) and the discounts."""
    logp: dict[int, np.ndarray] = {}
    gamma: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    discounts: dict[int, float] = {}
    # order 1
    c1 = np.zeros(V, dtype=np.float64)
    c1[real[1][0]] = used[1]
    c1[bos] = 0  # <s> is context only; it must not take probability mass
    D = _discount(used[1] if order > 1 else raw[1])
    discounts[1] = D
    total = c1.sum()
    types = float(np.sum(c1 > 0))
    p1 = np.maximum(c1 - D, 0) / total + (D * types / total) / V
    p1[bos] = 1e-12  # never predicted
    logp[1] = np.log(p1)
    prev_keys = np.arange(V, dtype=np.int64)
    prev_p = p1
    for n in range(2, order + 1):
        keys = real[n][0]
        c = used[n].astype(np.float64)
        D = _discount(raw[n] if n == order else used[n])
        discounts[n] = D
        ctx = keys >> BITS
        uctx, start_idx = np.unique(ctx, return_index=True)
        denom = np.add.reduceat(c, start_idx)
        if n == order:
            # weighted counts: discount each n-gram by D times its mean weight, so a
            # context seen mostly in up-weighted text keeps its share of unseen mass
            d = np.minimum(D * c / np.maximum(raw[n], 1), c)
        else:
            d = np.full(len(c), D)
        g = np.add.reduceat(d, start_idx) / denom
        ci = np.searchsorted(uctx, ctx)
        lower_key = keys & ((1 << (BITS * (n - 1))) - 1)
        li = np.searchsorted(prev_keys, lower_key)
        li = np.minimum(li, len(prev_keys) - 1)
        lower = np.where(prev_keys[li] == lower_key, prev_p[li], p1[keys & MASK] * 1e-3)
        p = np.maximum(c - d, 0) / denom[ci] + g[ci] * lower
        logp[n] = np.log(p)
        gamma[n - 1] = (uctx, np.log(g))
        prev_keys, prev_p = keys, p
    return logp, gamma, discounts


def _backoff_form(
    real: _Counts, logp: dict[int, np.ndarray], gamma: dict[int, tuple[np.ndarray, np.ndarray]], V: int,
    order: int, cutoffs: dict[int, int],
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], dict[int, np.ndarray]]:
    """The stored tables: n-grams past their cutoff (and the contexts those need) with
    log-probabilities, and each context's log backoff weight."""
    out_keys: dict[int, np.ndarray] = {1: np.arange(V, dtype=np.int64)}
    out_logp: dict[int, np.ndarray] = {1: logp[1].astype(np.float32)}
    out_bow: dict[int, np.ndarray] = {}
    kept: dict[int, np.ndarray] = {}
    for n in range(order, 1, -1):
        keys = real[n][0]
        keep = real[n][1] >= cutoffs.get(n, 1)
        if n < order:
            # keep every context of a kept higher-order n-gram, for its backoff weight
            ctx_needed = np.unique(kept[n + 1] >> BITS)
            keep |= np.isin(keys, ctx_needed, assume_unique=False)
        kept[n] = keys[keep]
        out_keys[n] = keys[keep]
        out_logp[n] = logp[n][keep].astype(np.float32)
    for n in range(1, order):
        uctx, lg = gamma[n]
        b = np.zeros(len(out_keys[n]), dtype=np.float32)
        pos = np.searchsorted(uctx, out_keys[n])
        pos = np.minimum(pos, len(uctx) - 1)
        hit = uctx[pos] == out_keys[n]
        b[hit] = lg[pos[hit]]
        out_bow[n] = b
    return out_keys, out_logp, out_bow


# ----------------------------------------------------------------------- file format


def save(model: NgramModel, path: str | os.PathLike, extra: dict | None = None) -> None:
    """Write the model atomically as a versioned, pickle-free ``.npz``."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "order": model.order,
        "bits": BITS,
        "vocab": model.vocab,
        "meta": {**model.meta, **(extra or {})},
    }
    arrays: dict[str, np.ndarray] = {
        "header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode(), dtype=np.uint8)
    }
    for n in model.keys:
        arrays[f"keys{n}"] = model.keys[n]
        arrays[f"logp{n}"] = model.logp[n].astype(np.float16 if n > 1 else np.float32)
    for n in model.bow:
        arrays[f"bow{n}"] = model.bow[n].astype(np.float16)
    with atomic_open(path, "wb") as fh:
        _write_npz(fh, arrays)


def _write_npz(fh, arrays: dict[str, np.ndarray]) -> None:
    """A compressed ``.npz`` with fixed member timestamps, so a rebuild from the same
    data is byte-identical (numpy's own writer stamps the current time)."""
    import io
    import zipfile

    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=6)


def read_header(path: str | os.PathLike) -> dict:
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode())
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelFormatError(f"{path}: not a vnrestore language model ({exc})") from None
    if header.get("format") != FORMAT:
        raise ModelFormatError(f"{path}: format {header.get('format')!r}, expected {FORMAT!r}")
    if header.get("version") != VERSION:
        raise ModelFormatError(
            f"{path}: model version {header.get('version')}, this vnrestore reads version {VERSION}; "
            "rebuild it with `make models` or `vnrestore train`"
        )
    return header


def load(path: str | os.PathLike) -> NgramModel:
    header = read_header(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            order = header["order"]
            keys = {n: z[f"keys{n}"] for n in range(1, order + 1)}
            logp = {n: z[f"logp{n}"].astype(np.float32) for n in range(1, order + 1)}
            bow = {n: z[f"bow{n}"].astype(np.float32) for n in range(1, order)}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelFormatError(f"{path}: damaged language model ({exc})") from None
    return NgramModel(order, header["vocab"], keys, logp, bow, header.get("meta", {}))


# ------------------------------------------------------------------- corpus → ids


def encode_segments(
    segments: Iterable[tuple[list[str], int]], vocab: list[str], order: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn (segment, weight) pairs into the padded arrays ``train_ids`` takes."""
    index = {w: i for i, w in enumerate(vocab)}
    unk, bos, eos = index[UNK], index[BOS], index[EOS]
    pad = [bos] * (order - 1)
    seq: list[int] = []
    seg: list[int] = []
    wts: list[int] = []
    for k, (words, weight) in enumerate(segments):
        ids = pad + [index.get(w, unk) for w in words] + [eos]
        seq.extend(ids)
        seg.extend([k] * len(ids))
        wts.extend([weight] * len(ids))
    return (
        np.asarray(seq, dtype=np.int64),
        np.asarray(seg, dtype=np.int64),
        np.asarray(wts, dtype=np.int64),
    )
