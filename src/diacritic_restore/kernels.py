"""Compiled inner loops of the decoder (numba): n-gram hash tables and the Viterbi search.

The decoder spends its time looking up trigram scores for every (a, b, c) candidate
triple; in Python that is a few microseconds a triple, here a few nanoseconds.  The
tables are open-addressing hash tables over the packed n-gram keys (16 bits a syllable).
"""

from __future__ import annotations

import numpy as np
from numba import njit

EMPTY = -1
_MULT = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _slot(key: np.int64, shift: np.uint64) -> np.int64:
    return np.int64((np.uint64(key) * _MULT) >> shift)


@njit(cache=True)
def build_table(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.uint64]:
    """Hash table over sorted unique keys: (slot keys, slot → row index, shift)."""
    n = len(keys)
    bits = 4
    while (1 << bits) < 2 * n + 2:
        bits += 1
    size = 1 << bits
    shift = np.uint64(64 - bits)
    tk = np.full(size, EMPTY, dtype=np.int64)
    tv = np.zeros(size, dtype=np.int32)
    mask = size - 1
    for i in range(n):
        k = keys[i]
        s = _slot(k, shift)
        while tk[s] != EMPTY:
            s = (s + 1) & mask
        tk[s] = k
        tv[s] = i
    return tk, tv, shift


@njit(cache=True, inline="always")
def find(tk: np.ndarray, tv: np.ndarray, shift: np.uint64, key: np.int64) -> np.int64:
    mask = len(tk) - 1
    s = _slot(key, shift)
    while True:
        k = tk[s]
        if k == key:
            return tv[s]
        if k == EMPTY:
            return -1
        s = (s + 1) & mask


@njit(cache=True, inline="always")
def bigram(v, w, lp1, bow1, t2k, t2v, sh2, lp2):
    i = find(t2k, t2v, sh2, (np.int64(v) << 16) | w)
    if i >= 0:
        return lp2[i]
    return bow1[v] + lp1[w]


@njit(cache=True, inline="always")
def trigram(u, v, w, lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3):
    i = find(t3k, t3v, sh3, (((np.int64(u) << 16) | v) << 16) | w)
    if i >= 0:
        return lp3[i]
    j = find(t2k, t2v, sh2, (np.int64(u) << 16) | v)
    b = bow2[j] if j >= 0 else np.float32(0.0)
    return b + bigram(v, w, lp1, bow1, t2k, t2v, sh2, lp2)


@njit(cache=True)
def viterbi(
    cstart, cend, cid, ccost, segstart, bos, eos, lm_weight, beam,
    lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3,
    choice, altscore,
):
    """Second-order Viterbi over a lattice of candidate syllables.

    Positions p have candidates cid[cstart[p]:cend[p]] with channel costs ccost; a
    position with segstart[p] begins a segment (history <s> <s>), which ends before the
    next such position with </s>.  Writes the chosen candidate index of each position
    to ``choice`` and, for every candidate, the score of the best path with that
    candidate swapped in at its position (its neighbours fixed) to ``altscore``.
    """
    P = len(cstart)
    off = np.zeros(P + 1, dtype=np.int64)
    for p in range(P):
        kp = 1 if segstart[p] else cend[p - 1] - cstart[p - 1]
        off[p + 1] = off[p] + kp * (cend[p] - cstart[p])
    delta = np.empty(off[P], dtype=np.float64)
    bp = np.empty(off[P], dtype=np.int32)
    NEG = -1e30
    p = 0
    while p < P:
        # one segment: [s, e)
        s = p
        e = p + 1
        while e < P and not segstart[e]:
            e += 1
        for q in range(s, e):
            c0 = cstart[q]
            kc = cend[q] - c0
            if q == s:
                for j in range(kc):
                    w = cid[c0 + j]
                    delta[off[q] + j] = lm_weight * trigram(
                        bos, bos, w, lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3
                    ) - ccost[c0 + j]
                    bp[off[q] + j] = 0
                continue
            b0 = cstart[q - 1]
            kb = cend[q - 1] - b0
            first = q - 1 == s
            ka = 1 if first else cend[q - 2] - cstart[q - 2]
            a0 = 0 if first else cstart[q - 2]
            # beam: states far below the best one at q-1 cannot win
            top = NEG
            for i in range(off[q - 1], off[q]):
                if delta[i] > top:
                    top = delta[i]
            floor = top - beam
            for b in range(kb):
                wb = cid[b0 + b]
                alive = False
                for a in range(ka):
                    if delta[off[q - 1] + a * kb + b] >= floor:
                        alive = True
                        break
                if not alive:
                    for c in range(kc):
                        delta[off[q] + b * kc + c] = NEG
                        bp[off[q] + b * kc + c] = 0
                    continue
                for c in range(kc):
                    wc = cid[c0 + c]
                    bo = bigram(wb, wc, lp1, bow1, t2k, t2v, sh2, lp2)
                    best = NEG
                    arg = 0
                    for a in range(ka):
                        prev = delta[off[q - 1] + a * kb + b]
                        if prev < floor:
                            continue
                        wa = bos if first else cid[a0 + a]
                        key = (((np.int64(wa) << 16) | wb) << 16) | wc
                        i = find(t3k, t3v, sh3, key)
                        if i >= 0:
                            lp = lp3[i]
                        else:
                            j = find(t2k, t2v, sh2, (np.int64(wa) << 16) | wb)
                            lp = (bow2[j] if j >= 0 else 0.0) + bo
                        sc = prev + lm_weight * lp
                        if sc > best:
                            best = sc
                            arg = a
                    delta[off[q] + b * kc + c] = best - ccost[c0 + c]
                    bp[off[q] + b * kc + c] = arg
        # close the segment with </s>
        q = e - 1
        kc = cend[q] - cstart[q]
        kb = 1 if q == s else cend[q - 1] - cstart[q - 1]
        best = NEG
        bb = 0
        bc = 0
        for b in range(kb):
            wb = bos if q == s else cid[cstart[q - 1] + b]
            for c in range(kc):
                d = delta[off[q] + b * kc + c]
                if d <= NEG:
                    continue
                wc = cid[cstart[q] + c]
                sc = d + lm_weight * trigram(
                    wb, wc, eos, lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3
                )
                if sc > best:
                    best = sc
                    bb = b
                    bc = c
        # backtrack
        choice[q] = bc
        if q > s:
            choice[q - 1] = bb
        for r in range(q, s + 1, -1):
            kr = cend[r] - cstart[r]
            kr1 = cend[r - 1] - cstart[r - 1]
            a = bp[off[r] + choice[r - 1] * kr + choice[r]]
            choice[r - 2] = a
            _ = kr1
        # swap scores: each candidate in place of the chosen one, neighbours fixed
        for r in range(s, e):
            w1 = bos if r - 1 < s else cid[cstart[r - 1] + choice[r - 1]]
            w2 = bos if r - 2 < s else cid[cstart[r - 2] + choice[r - 2]]
            n1 = eos if r + 1 >= e else cid[cstart[r + 1] + choice[r + 1]]
            n2 = -1 if r + 1 >= e else (eos if r + 2 >= e else cid[cstart[r + 2] + choice[r + 2]])
            for c in range(cstart[r], cend[r]):
                w = cid[c]
                sc = trigram(w2, w1, w, lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3)
                sc += trigram(w1, w, n1, lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3)
                if n2 >= 0:
                    sc += trigram(w, n1, n2, lp1, bow1, t2k, t2v, sh2, lp2, bow2, t3k, t3v, sh3, lp3)
                altscore[c] = lm_weight * sc - ccost[c]
        p = e
