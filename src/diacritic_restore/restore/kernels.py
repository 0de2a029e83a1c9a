"""Compiled inner loops of the decoder (numba): n-gram hash tables and the Viterbi search.

The decoder spends its time looking up trigram scores for every (a, b, c) candidate
triple; in Python that is a few microseconds a triple, here a few nanoseconds.  The
tables are open-addressing hash tables over the packed n-gram keys (16 bits a syllable).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_MULT = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _slot(key: np.int64, shift: np.uint64) -> np.int64:
    return np.int64((np.uint64(key) * _MULT) >> shift)


EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
SCALE = 100.0  # log-probabilities are stored in hundredths of a nat


@njit(cache=True)
def build_table(keys: np.ndarray, payload: np.ndarray, keybits: int) -> tuple[np.ndarray, np.uint64]:
    """Open-addressing hash table of packed n-gram keys, one 64-bit word per slot:
    the key in the high ``keybits`` bits and its payload (quantised scores) below, so a
    probe touches one word and eight slots share a cache line."""
    n = len(keys)
    bits = 4
    while (1 << bits) * 0.6 < n + 1:
        bits += 1
    size = 1 << bits
    shift = np.uint64(64 - bits)
    tbl = np.full(size, EMPTY, dtype=np.uint64)
    mask = size - 1
    low = np.uint64(64 - keybits)
    for i in range(n):
        k = keys[i]
        s = _slot(k, shift)
        while tbl[s] != EMPTY:
            s = (s + 1) & mask
        tbl[s] = (np.uint64(k) << low) | np.uint64(payload[i])
    return tbl, shift


@njit(cache=True, inline="always")
def find(tbl: np.ndarray, shift: np.uint64, key: np.int64, keybits: int) -> np.int64:
    """The payload stored with ``key``, or -1."""
    mask = len(tbl) - 1
    s = _slot(key, shift)
    low = np.uint64(64 - keybits)
    uk = np.uint64(key)
    pmask = (np.uint64(1) << low) - np.uint64(1)
    while True:
        v = tbl[s]
        if v == EMPTY:
            return -1
        if (v >> low) == uk:
            return np.int64(v & pmask)
        s = (s + 1) & mask


@njit(cache=True, inline="always")
def bigram(v, w, lp1, bow1, t2, sh2):
    pl = find(t2, sh2, (np.int64(v) << 16) | w, 32)
    if pl >= 0:
        return -np.float64(pl >> 16) / SCALE
    return bow1[v] + lp1[w]


@njit(cache=True, inline="always")
def _bow2(pl):
    return -np.float64((pl >> 1) & 0x7FFF) / SCALE


@njit(cache=True, inline="always")
def trigram(u, v, w, lp1, bow1, t2, sh2, t3, sh3):
    pl = find(t3, sh3, (((np.int64(u) << 16) | v) << 16) | w, 48)
    if pl >= 0:
        return -np.float64(pl) / SCALE
    j = find(t2, sh2, (np.int64(u) << 16) | v, 32)
    b = _bow2(j) if j >= 0 else 0.0
    return b + bigram(v, w, lp1, bow1, t2, sh2)


def pack_bigram_payload(logp: np.ndarray, bow: np.ndarray, has_children: np.ndarray) -> np.ndarray:
    """[logp: 16 bits][backoff: 15 bits][has trigram continuations: 1 bit]."""
    lp = np.clip(np.round(-logp * SCALE), 0, 0xFFFF).astype(np.uint64)
    bw = np.clip(np.round(-bow * SCALE), 0, 0x7FFF).astype(np.uint64)
    return (lp << np.uint64(16)) | (bw << np.uint64(1)) | has_children.astype(np.uint64)


def pack_trigram_payload(logp: np.ndarray) -> np.ndarray:
    return np.clip(np.round(-logp * SCALE), 0, 0xFFFF).astype(np.uint64)


@njit(cache=True)
def viterbi(
    cstart, cend, cid, ccost, segstart, bos, eos, lm_weight, beam,
    lp1, bow1, t2, sh2, t3, sh3,
    choice, altscore, want_alts,
):
    """Second-order Viterbi over a lattice of candidate syllables.

    Positions p have candidates cid[cstart[p]:cend[p]] with channel costs ccost; a
    position with segstart[p] begins a segment (history <s> <s>), which ends before the
    next such position with </s>.  States (a, b) more than ``beam`` below the best state
    of their position are not extended.  Writes the chosen candidate index of each
    position to ``choice`` and, for every candidate, the score of the best path with
    that candidate swapped in at its position (neighbours fixed) to ``altscore``, when
    ``want_alts`` (confidences cost as much again as the search).
    """
    P = len(cstart)
    off = np.zeros(P + 1, dtype=np.int64)
    kmax = 1
    for p in range(P):
        kp = 1 if segstart[p] else cend[p - 1] - cstart[p - 1]
        off[p + 1] = off[p] + kp * (cend[p] - cstart[p])
        if cend[p] - cstart[p] > kmax:
            kmax = cend[p] - cstart[p]
    delta = np.empty(off[P], dtype=np.float64)
    bp = np.zeros(off[P], dtype=np.int32)
    NEG = -1e30
    # per b: the alive predecessors a with their score, backoff weight and whether
    # the bigram (a, b) has trigram continuations at all
    al_a = np.empty(kmax, dtype=np.int64)
    al_s = np.empty(kmax, dtype=np.float64)
    al_b = np.empty(kmax, dtype=np.float64)
    al_k = np.empty(kmax, dtype=np.int64)
    p = 0
    while p < P:
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
                    delta[off[q] + j] = lm_weight * trigram(bos, bos, w, lp1, bow1, t2, sh2, t3, sh3) - ccost[c0 + j]
                continue
            b0 = cstart[q - 1]
            kb = cend[q - 1] - b0
            first = q - 1 == s
            ka = 1 if first else cend[q - 2] - cstart[q - 2]
            a0 = 0 if first else cstart[q - 2]
            top = NEG
            for i in range(off[q - 1], off[q]):
                if delta[i] > top:
                    top = delta[i]
            floor = top - beam
            for b in range(kb):
                wb = cid[b0 + b]
                n_al = 0
                for a in range(ka):
                    prev = delta[off[q - 1] + a * kb + b]
                    if prev < floor:
                        continue
                    wa = bos if first else cid[a0 + a]
                    ab = (np.int64(wa) << 16) | wb
                    j = find(t2, sh2, ab, 32)
                    al_a[n_al] = a
                    al_s[n_al] = prev
                    if j >= 0:
                        al_b[n_al] = _bow2(j)
                        al_k[n_al] = ab if (j & 1) else -1
                    else:
                        al_b[n_al] = 0.0
                        al_k[n_al] = -1
                    n_al += 1
                base = off[q] + b * kc
                if n_al == 0:
                    for c in range(kc):
                        delta[base + c] = NEG
                    continue
                for c in range(kc):
                    wc = cid[c0 + c]
                    bo = bigram(wb, wc, lp1, bow1, t2, sh2)
                    best = NEG
                    arg = 0
                    for t in range(n_al):
                        k = al_k[t]
                        lp = al_b[t] + bo
                        if k >= 0:
                            i = find(t3, sh3, (k << 16) | wc, 48)
                            if i >= 0:
                                lp = -np.float64(i) / SCALE
                        sc = al_s[t] + lm_weight * lp
                        if sc > best:
                            best = sc
                            arg = al_a[t]
                    delta[base + c] = best - ccost[c0 + c]
                    bp[base + c] = arg
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
                sc = d + lm_weight * trigram(wb, wc, eos, lp1, bow1, t2, sh2, t3, sh3)
                if sc > best:
                    best = sc
                    bb = b
                    bc = c
        choice[q] = bc
        if q > s:
            choice[q - 1] = bb
        for r in range(q, s + 1, -1):
            kr = cend[r] - cstart[r]
            choice[r - 2] = bp[off[r] + choice[r - 1] * kr + choice[r]]
        # swap scores: each candidate in place of the chosen one, neighbours fixed
        for r in range(s, e if want_alts else s):
            w1 = bos if r - 1 < s else cid[cstart[r - 1] + choice[r - 1]]
            w2 = bos if r - 2 < s else cid[cstart[r - 2] + choice[r - 2]]
            n1 = eos if r + 1 >= e else cid[cstart[r + 1] + choice[r + 1]]
            n2 = -1 if r + 1 >= e else (eos if r + 2 >= e else cid[cstart[r + 2] + choice[r + 2]])
            for c in range(cstart[r], cend[r]):
                w = cid[c]
                sc = trigram(w2, w1, w, lp1, bow1, t2, sh2, t3, sh3)
                sc += trigram(w1, w, n1, lp1, bow1, t2, sh2, t3, sh3)
                if n2 >= 0:
                    sc += trigram(w, n1, n2, lp1, bow1, t2, sh2, t3, sh3)
                altscore[c] = lm_weight * sc - ccost[c]
        p = e


@njit(cache=True)
def _wlev(o, t0, t1, tchars, keep, sub, dele, ins, buf):
    """Weighted Levenshtein cost of reading intended tchars[t0:t1] as observed ``o``."""
    n = len(o)
    m = t1 - t0
    # buf holds two rows of length n+1
    prev = buf[0]
    cur = buf[1]
    prev[0] = 0.0
    for j in range(1, n + 1):
        prev[j] = prev[j - 1] + ins[o[j - 1]]
    for i in range(1, m + 1):
        tc = tchars[t0 + i - 1]
        cur[0] = prev[0] + dele[tc]
        for j in range(1, n + 1):
            oc = o[j - 1]
            if oc == tc:
                best = prev[j - 1] + keep[tc]
            else:
                best = prev[j - 1] + sub[tc, oc]
            d = prev[j] + dele[tc]
            if d < best:
                best = d
            a = cur[j - 1] + ins[oc]
            if a < best:
                best = a
            cur[j] = best
        prev, cur = cur, prev
    return prev[n]


@njit(cache=True)
def channel_costs(o, cands, woff, wchars, aoff, achars, logw, keeps, subs, deles, inss, out):
    """Mixture channel cost -log sum_k w_k P_k(o | c) of each candidate word id.

    Each component k has its own character cost tables (keep, sub, delete, insert);
    a word is scored in both tone placements (``woff``/``aoff``) and the cheaper wins.
    """
    buf = np.empty((2, len(o) + 1), dtype=np.float64)
    K = len(logw)
    for ci in range(len(cands)):
        w = cands[ci]
        m = -1e30
        vals = np.empty(K, dtype=np.float64)
        for k in range(K):
            if logw[k] < -20.0:
                vals[k] = -1e30
                continue
            c1 = _wlev(o, woff[w], woff[w + 1], wchars, keeps[k], subs[k], deles[k], inss[k], buf)
            if aoff[w + 1] > aoff[w]:
                c2 = _wlev(o, aoff[w], aoff[w + 1], achars, keeps[k], subs[k], deles[k], inss[k], buf)
                if c2 < c1:
                    c1 = c2
            vals[k] = logw[k] - c1
            if vals[k] > m:
                m = vals[k]
        s = 0.0
        for k in range(K):
            s += np.exp(vals[k] - m)
        out[ci] = -(m + np.log(s))
