"""Candidate syllables for an observed token, with channel costs.

The syllables spelled with the token's letters (its skeleton), and for a damaged token
(an OCR'd text, a non-syllable) also those of skeletons within a small edit distance
(the fuzzy search).  Results are cached per distinct (token, profile): a document
repeats its words, and a process restores many documents.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from diacritic_restore.restore import kernels
from diacritic_restore.restore.channel import OcrTable, Profile, base_char
from diacritic_restore.restore.lexicon import Lexicon
from diacritic_restore.restore.settings import Settings
from diacritic_restore.restore.tables import ModelTables
from diacritic_restore.text.syllable import canonical, is_valid, skeleton

Candidates = tuple[tuple[int, ...], tuple[float, ...]]  # (syllable ids, channel costs), best first

# caches grow with the distinct tokens seen; past this many entries they start afresh
_CACHE_LIMIT = 200_000


class CandidateGenerator:
    """Candidates per token for one model set; build once and reuse (it caches)."""

    def __init__(self, lex: Lexicon, tables: ModelTables, table: OcrTable, settings: Settings):
        self.lex = lex
        self.tables = tables
        self.settings = settings
        # skeletons by length, for the fuzzy search of damaged tokens
        skel_count: Counter[str] = Counter()
        for w, c in zip(lex.words, lex.counts):
            if not w.startswith("<"):
                skel_count[skeleton(w)] += c + 1
        self.skel_count = skel_count
        by_len: dict[int, list[str]] = {}
        for s in sorted(skel_count):
            by_len.setdefault(len(s), []).append(s)
        self.skel_by_len = by_len
        self.pools: dict[int, tuple[list[str], np.ndarray, list[np.ndarray]]] = {}
        self.fuzzy_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.cand_cache: dict[tuple[str, Profile], Candidates] = {}
        self._skel_ids = {k: np.asarray(v[: settings.skeleton_candidates], dtype=np.int64)
                          for k, v in lex.by_skeleton.items()}
        self._digit_map = _digit_letters(table)

    def clear(self) -> None:
        """Forget the per-token caches (the pools are model-derived and stay)."""
        self.cand_cache.clear()
        self.fuzzy_cache.clear()

    # ------------------------------------------------------------- fuzzy search

    def fuzzy_key(self, skel: str) -> str:
        # digits are read as the letters the OCR channel most often turns into them
        # (161 → lol, near loi), so the distance counts letter errors only
        if any(c.isdigit() for c in skel):
            return skel.translate(self._digit_map)
        return skel

    def pool(self, n: int) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
        """Skeletons a token of length n may be near, their counts, and each one's
        candidate ids (most frequent first)."""
        pool = self.pools.get(n)
        if pool is None:
            maxd = _max_distance(n)
            words: list[str] = []
            for L in range(max(1, n - maxd), n + maxd + 1):
                words.extend(self.skel_by_len.get(L, ()))
            per = self.settings.fuzzy_per_skeleton
            ids = [np.asarray(self.lex.by_skeleton[w][:per], dtype=np.int64) for w in words]
            pool = (words, np.asarray([self.skel_count[w] for w in words], dtype=np.float64), ids)
            self.pools[n] = pool
        return pool

    def prefetch(self, words: list[str], profile: Profile) -> None:
        """Run the fuzzy search of a text's words not yet cached, all at once."""
        self.prefetch_fuzzy([self.fuzzy_key(skeleton(w)) for w in set(words)
                             if (w.lower(), profile) not in self.cand_cache])

    def prefetch_fuzzy(self, keys: list[str]) -> None:
        """Fuzzy skeleton search for many tokens at once: one rapidfuzz ``cdist`` call
        per length instead of one ``extract`` per token."""
        todo: dict[int, list[str]] = {}
        for k in keys:
            if k not in self.fuzzy_cache:
                todo.setdefault(len(k), []).append(k)
        limit = self.settings.fuzzy_max_skeletons
        known_limit = self.settings.fuzzy_known_skeletons
        empty = np.zeros(0, dtype=np.int64)
        for n, qs in todo.items():
            qs = list(dict.fromkeys(qs))
            words, counts, idarrs = self.pool(n)
            maxd = _max_distance(n)
            dist = process.cdist(qs, words, scorer=Levenshtein.distance, score_cutoff=maxd,
                                 dtype=np.int32, workers=1)
            for q, row in zip(qs, dist):
                idx = np.nonzero(row <= maxd)[0]
                # nearest first, then most frequent
                idx = idx[np.lexsort((-counts[idx], row[idx]))][:limit]
                full = np.concatenate([idarrs[i] for i in idx]) if len(idx) else empty
                near = np.concatenate([idarrs[i] for i in idx[:known_limit]]) if len(idx) else empty
                self.fuzzy_cache[q] = (full, near)
        if len(self.fuzzy_cache) > _CACHE_LIMIT:
            self.fuzzy_cache.clear()

    def _fuzzy_ids(self, skel: str, known: bool) -> np.ndarray:
        """Ids of the syllables whose skeletons are nearest ``skel`` (fewer for a
        token that is already a known word)."""
        key = self.fuzzy_key(skel)
        hit = self.fuzzy_cache.get(key)
        if hit is None:
            self.prefetch_fuzzy([key])
            hit = self.fuzzy_cache[key]
        return hit[1] if known else hit[0]

    # --------------------------------------------------------------- candidates

    def candidates(self, obs: str, profile: Profile, number: bool = False) -> Candidates:
        """Candidate syllable ids for a lower-case observed token, with channel costs."""
        key = (obs, profile)
        hit = self.cand_cache.get(key)
        if hit is not None:
            return hit
        st = self.settings
        skel = skeleton(obs)
        valid = is_valid(obs)
        known = valid and canonical(obs) in self.lex.index
        bare = skel == obs and not number
        ids = self._search_ids(skel, valid, known, bare, number, profile)
        scored = self._scored(obs, ids, profile) if len(ids) else []
        if number:
            scored.append((st.number_cost, st.number_cost, self.tables.num))
        elif not known:
            k = self._keep_cost(obs, bare, skel, valid, profile)
            scored.append((k, k, self.tables.unk))
        scored.sort()
        if scored:
            best = scored[0][0]
            scored = [o for o in scored if o[0] <= best + st.prune_margin]
        scored = scored[: st.max_candidates]
        res = (tuple(o[2] for o in scored), tuple(o[1] for o in scored))
        if len(self.cand_cache) > _CACHE_LIMIT:
            self.cand_cache.clear()
        self.cand_cache[key] = res
        return res

    def number_candidates(self, text: str, profile: Profile) -> Candidates:
        """A short number in an English-OCR text may be a word (161 → lối, 13 → là)."""
        if profile.ocr >= self.settings.ocr_numbers_from and len(text) <= 3 and text.isdigit():
            return self.candidates(text, profile, number=True)
        return (self.tables.num,), (0.0,)

    def _search_ids(self, skel: str, valid: bool, known: bool, bare: bool, number: bool,
                    profile: Profile) -> np.ndarray:
        """The syllables worth scoring: those of the token's own skeleton and, for a
        token that may be damaged, those of skeletons near it."""
        st = self.settings
        base = self._skel_ids.get(skel) if not number else None
        if base is None:
            base = np.zeros(0, dtype=np.int64)
        fuzzy = profile.ocr >= st.ocr_fuzzy_from
        damaged = not known and (fuzzy or not len(base) or (not valid and not bare))
        if fuzzy and profile.ocr >= st.fuzzy_known_ocr:
            # in an English-OCR text a real syllable may still be the wrong one
            # (``Séc`` for ``Sóc``), so look further than its own letters
            damaged = True
        if number and profile.ocr >= st.ocr_numbers_from:
            damaged = True
        if damaged:
            # a known word needs a look at fewer neighbours than a broken one
            return np.unique(np.concatenate([base, self._fuzzy_ids(skel, known)]))
        return base

    def _scored(self, obs: str, ids: np.ndarray, profile: Profile) -> list[tuple[float, float, int]]:
        """(rank key, channel cost, id) of the best few of ``ids`` (unsorted)."""
        st = self.settings
        t = self.tables
        ct = t.cost_tables
        costs = np.empty(len(ids))
        w = np.array([profile.clean, profile.strip, profile.ocr])
        # components too weak to matter are skipped by the kernel (log weight < -20)
        w[w < st.min_component_weight] = 1e-12
        logw = np.log(np.maximum(w, 1e-12))
        kernels.channel_costs(t.alpha.encode(obs), ids, t.woff, t.wchars, t.aoff, t.achars,
                              logw, ct.keep, ct.sub, ct.delete, ct.insert, costs)
        keys = costs - st.prior_weight * t.lp1[ids]
        if len(ids) > st.max_candidates:
            # only the best few can survive: skip building tuples for the rest
            top = np.argpartition(keys, st.max_candidates)[: st.max_candidates]
            ids, costs, keys = ids[top], costs[top], keys[top]
        return list(zip(keys.tolist(), costs.tolist(), ids.tolist()))

    def _keep_cost(self, obs: str, bare: bool, skel: str, valid: bool, profile: Profile) -> float:
        """Cost of leaving an unknown token as it is.

        Cheap for junk and foreign words in a clean text; dear for letters that spell
        known syllables once marks are added (stripped text), for letters mixed with
        digits (never a word) and for non-syllables in an OCR'd text (damaged words).
        """
        st = self.settings
        cost = st.keep_cost_unk
        if bare and skel in self.lex.by_skeleton:
            cost += st.keep_cost_bare * profile.strip
        if not obs.isalpha() and not obs.isdigit():
            cost += st.keep_cost_digits
        if not valid:
            cost += st.keep_cost_invalid * profile.ocr
        else:
            cost += st.keep_cost_unknown * profile.ocr
        return cost


def doubt_profile(profile: Profile, share: float) -> Profile:
    """The channel for a word its OCR doubted: at least ``share`` of the OCR component,
    so that near-by syllables (other marks, a confused letter) become candidates."""
    if profile.ocr >= share:
        return profile
    rest = 1.0 - share
    total = (profile.clean + profile.strip) or 1.0
    return Profile(round(rest * profile.clean / total, 4), round(rest * profile.strip / total, 4), share)


def _max_distance(n: int) -> int:
    """Edit distance within which a skeleton of length n is near: 1 for the shortest."""
    return 1 if n <= 2 else 2


def _digit_letters(table: OcrTable) -> dict[int, str]:
    """For each digit, the base letter whose variants the OCR most often reads as it."""
    out: dict[int, str] = {}
    for d in "0123456789":
        best: dict[str, float] = {}
        for t, row in table.sub.items():
            c = row.get(d)
            if c is not None and t.isalpha():
                b = base_char(t)
                best[b] = min(best.get(b, 99.0), c)
        if best:
            out[ord(d)] = min(best, key=best.__getitem__)
    return out
