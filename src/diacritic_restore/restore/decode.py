"""Restoration: candidates per token, a lattice, and a Viterbi search over LM + channel.

Data flow for one text: tokenise (keeping every character) → decide which tokens are
words to restore and which pass through (numbers, document symbols, abbreviations,
Roman numerals) → candidates with channel costs per word (cached per distinct token)
→ one lattice for the whole text, cut into segments at punctuation → compiled Viterbi
(``kernels``) → words re-cased and written back in place.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from diacritic_restore.restore import kernels
from diacritic_restore.restore.channel import Alphabet, OcrTable, Profile, build_cost_tables, estimate_profile
from diacritic_restore.restore.lexicon import Lexicon
from diacritic_restore.restore.lm import NgramModel
from diacritic_restore.text.tokens import BOS, EOS, NUM, NUMBER, PUNCT, SPACE, UNK, WORD, Token, is_break, is_title, tokenize
from diacritic_restore.text.repairs import repair
from diacritic_restore.text.syllable import canonical, is_valid, restyle, skeleton, style_of

StyleOption = Literal["keep", "old", "new"]

_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# OCR forms of Roman numerals: I read as 1 or l (X111, XlV)
_ROMAN_OCR_RE = re.compile(r"^[XVI][XVI1l]*[1l][XVI1l]*$")


@dataclass(frozen=True)
class Settings:
    """Decoder knobs (defaults tuned on held-out text, see bench/)."""

    lm_weight: float = 1.0
    max_candidates: int = 20
    keep_cost_unk: float = 4.0  # leaving an unknown token as it is
    keep_cost_bare: float = 10.0
    keep_cost_digits: float = 6.0
    keep_cost_invalid: float = 10.0
    keep_cost_unknown: float = 4.0
    fuzzy_max_skeletons: int = 20
    fuzzy_known_skeletons: int = 10
    fuzzy_known_ocr: float = 0.5  # OCR share from which known words get fuzzy candidates
    prune_margin: float = 14.0
    skeleton_candidates: int = 24
    fuzzy_per_skeleton: int = 12
    number_cost: float = 0.5
    min_component_weight: float = 0.03
    case_weight: float = 1.0
    prior_weight: float = 0.3
    beam: float = 11.0


@dataclass
class Choice:
    index: int  # token index in the tokenised text
    original: str
    output: str
    alternatives: list[tuple[str, float]]  # (word, probability), best first
    confidence: float


class Restorer:
    """A loaded model set; build once per process and reuse (it caches per token)."""

    def __init__(self, lex: Lexicon, lm: NgramModel, table: OcrTable, settings: Settings | None = None):
        if lm.vocab != lex.words:
            raise ValueError("language model and lexicon were not built together")
        self.lex = lex
        self.lm = lm
        self.table = table
        self.settings = settings or Settings()
        idx = lex.index
        self.bos, self.eos, self.num, self.unk = idx[BOS], idx[EOS], idx[NUM], idx[UNK]
        # numba tables
        self.lp1 = lm.logp[1].astype(np.float32)
        self.bow1 = lm.bow[1].astype(np.float32)
        k2, k3 = lm.keys[2], lm.keys[3]
        has_children = np.isin(k2, np.unique(k3 >> 16))
        self.t2, self.sh2 = kernels.build_table(
            k2, kernels.pack_bigram_payload(lm.logp[2], lm.bow[2], has_children), 32)
        self.t3, self.sh3 = kernels.build_table(k3, kernels.pack_trigram_payload(lm.logp[3]), 48)
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
        self._pools: dict[int, tuple[list[str], np.ndarray]] = {}
        self._fuzzy_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._skel_ids = {k: np.asarray(v[: self.settings.skeleton_candidates], dtype=np.int64)
                          for k, v in lex.by_skeleton.items()}
        self._digit_map = _digit_letters(table)
        # -log P(Title case | syllable, mid-sentence): evidence a capitalised word carries
        mid = np.asarray(lex.mid, dtype=np.float64)
        title = np.asarray(lex.title, dtype=np.float64)
        self.title_cost = -np.log((title + 0.1) / (mid + 1.0))
        self.title_cost[[self.bos, self.eos, self.num, self.unk]] = 0.0
        self._cand_cache: dict[tuple[str, Profile], tuple[tuple[int, ...], tuple[float, ...]]] = {}
        # every lexicon word as character codes, in both tone placements, for the
        # compiled channel
        letters = set("".join(lex.words)) | set("".join(restyle(w, "old") for w in lex.words))
        self.alpha = Alphabet(letters | set(table.keep) | set(table.insert))
        self.cost_tables = build_cost_tables(table, self.alpha)
        words = [self.alpha.encode(w if not w.startswith("<") else "") for w in lex.words]
        alts = []
        for w in lex.words:
            a = restyle(w, "old") if not w.startswith("<") else w
            alts.append(self.alpha.encode(a) if a != w else np.zeros(0, np.int64))
        self.woff = np.zeros(len(words) + 1, dtype=np.int64)
        self.woff[1:] = np.cumsum([len(w) for w in words])
        self.wchars = np.concatenate(words)
        self.aoff = np.zeros(len(alts) + 1, dtype=np.int64)
        self.aoff[1:] = np.cumsum([len(a) for a in alts])
        self.achars = np.concatenate(alts) if self.aoff[-1] else np.zeros(1, np.int64)

    def warm_up(self) -> None:
        """Load the compiled kernels now (numba's on-disk cache), not in the first call."""
        self.restore("khoi dong")
        for n in range(1, 9):
            self._pool(n)  # model-derived fuzzy pools, not per-token state
        self._cand_cache.clear()
        self._fuzzy_cache.clear()

    # ----------------------------------------------------------- candidates

    def _fuzzy_key(self, skel: str) -> str:
        # digits are read as the letters the OCR channel most often turns into them
        # (161 → lol, near loi), so the distance counts letter errors only
        if any(c.isdigit() for c in skel):
            return skel.translate(self._digit_map)
        return skel

    def _pool(self, n: int) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
        """Skeletons a token of length n may be near, their counts, and each one's
        candidate ids (most frequent first)."""
        pool = self._pools.get(n)
        if pool is None:
            maxd = 1 if n <= 2 else 2
            words: list[str] = []
            for L in range(max(1, n - maxd), n + maxd + 1):
                words.extend(self.skel_by_len.get(L, ()))
            per = self.settings.fuzzy_per_skeleton
            ids = [np.asarray(self.lex.by_skeleton[w][:per], dtype=np.int64) for w in words]
            pool = (words, np.asarray([self.skel_count[w] for w in words], dtype=np.float64), ids)
            self._pools[n] = pool
        return pool

    def _fuzzy_ids(self, skel: str, known: bool) -> np.ndarray:
        """Ids of the syllables whose skeletons are nearest ``skel`` (fewer for a
        token that is already a known word)."""
        key = self._fuzzy_key(skel)
        hit = self._fuzzy_cache.get(key)
        if hit is None:
            self._prefetch_fuzzy([key])
            hit = self._fuzzy_cache[key]
        return hit[1] if known else hit[0]

    def _prefetch_fuzzy(self, keys: list[str]) -> None:
        """Fuzzy skeleton search for many tokens at once: one rapidfuzz ``cdist`` call
        per length instead of one ``extract`` per token."""
        todo: dict[int, list[str]] = {}
        for k in keys:
            if k not in self._fuzzy_cache:
                todo.setdefault(len(k), []).append(k)
        limit = self.settings.fuzzy_max_skeletons
        known_limit = self.settings.fuzzy_known_skeletons
        empty = np.zeros(0, dtype=np.int64)
        for n, qs in todo.items():
            qs = list(dict.fromkeys(qs))
            words, counts, idarrs = self._pool(n)
            maxd = 1 if n <= 2 else 2
            dist = process.cdist(qs, words, scorer=Levenshtein.distance, score_cutoff=maxd,
                                 dtype=np.int32, workers=1)
            for q, row in zip(qs, dist):
                idx = np.nonzero(row <= maxd)[0]
                # nearest first, then most frequent
                idx = idx[np.lexsort((-counts[idx], row[idx]))][:limit]
                full = np.concatenate([idarrs[i] for i in idx]) if len(idx) else empty
                near = np.concatenate([idarrs[i] for i in idx[:known_limit]]) if len(idx) else empty
                self._fuzzy_cache[q] = (full, near)
        if len(self._fuzzy_cache) > 200_000:
            self._fuzzy_cache.clear()

    def _doubt_known(self, profile: Profile) -> bool:
        """In an English-OCR text a real syllable may still be the wrong one
        (``Séc`` for ``Sóc``), so look further than its own letters."""
        return profile.ocr >= self.settings.fuzzy_known_ocr

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

    def candidates(self, obs: str, profile: Profile, number: bool = False) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """Candidate syllable ids for a lower-case observed token, with channel costs."""
        key = (obs, profile)
        hit = self._cand_cache.get(key)
        if hit is not None:
            return hit
        lex = self.lex
        st = self.settings
        skel = skeleton(obs)
        valid = is_valid(obs)
        known = valid and canonical(obs) in lex.index
        bare = skel == obs and not number
        base = self._skel_ids.get(skel) if not number else None
        if base is None:
            base = np.zeros(0, dtype=np.int64)
        damaged = not known and (profile.ocr >= 0.3 or not len(base) or (not valid and not bare))
        if profile.ocr >= 0.3 and self._doubt_known(profile):
            damaged = True
        if number and profile.ocr >= 0.5:
            damaged = True
        if damaged:
            # a known word needs a look at fewer neighbours than a broken one
            ids_all = np.unique(np.concatenate([base, self._fuzzy_ids(skel, known)]))
        else:
            ids_all = base
        scored: list[tuple[float, float, int]] = []
        if len(ids_all):
            ids = ids_all
            costs = np.empty(len(ids))
            t = self.cost_tables
            w = np.array([profile.clean, profile.strip, profile.ocr])
            # components too weak to matter are skipped by the kernel (log weight < -20)
            w[w < st.min_component_weight] = 1e-12
            logw = np.log(np.maximum(w, 1e-12))
            kernels.channel_costs(self.alpha.encode(obs), ids, self.woff, self.wchars, self.aoff,
                                  self.achars, logw, t.keep, t.sub, t.delete, t.insert, costs)
            keys = costs - st.prior_weight * self.lp1[ids]
            if len(ids) > st.max_candidates:
                # only the best few can survive: skip building tuples for the rest
                top = np.argpartition(keys, st.max_candidates)[: st.max_candidates]
                ids, costs, keys = ids[top], costs[top], keys[top]
            scored = list(zip(keys.tolist(), costs.tolist(), ids.tolist()))
        if number:
            scored.append((st.number_cost, st.number_cost, self.num))
        elif not known:
            k = self._keep_cost(obs, bare, skel, valid, profile)
            scored.append((k, k, self.unk))
        scored.sort()
        if scored:
            best = scored[0][0]
            scored = [o for o in scored if o[0] <= best + st.prune_margin]
        scored = scored[: st.max_candidates]
        res = (tuple(o[2] for o in scored), tuple(o[1] for o in scored))
        if len(self._cand_cache) > 200_000:
            self._cand_cache.clear()
        self._cand_cache[key] = res
        return res

    # ------------------------------------------------------------- decoding

    def restore_tokens(
        self, text: str, tone_style: StyleOption = "keep", profile: Profile | None = None,
        detailed: bool = True, doubt: Sequence[int] | None = None,
    ) -> tuple[list[Token], list[Choice | None], Profile]:
        """``doubt``: start offsets (in ``text``) of words the OCR was unsure of; they
        are decoded with the OCR channel's freedom whatever the document's profile."""
        repaired, _ = repair(text)  # NFC and text-layer repairs come first
        doubted = _map_offsets(text, repaired, doubt) if doubt else frozenset()
        text = repaired
        toks = tokenize(text)
        words = [t.text for t in toks if t.kind == WORD]
        if profile is None:
            profile = estimate_profile(words)
        doubt_profile = _doubt_profile(profile)
        if profile.ocr >= 0.5:
            toks = _merge_ocr_symbols(toks)
        style = _document_style(words) if tone_style == "keep" else tone_style
        caps_lines = _caps_lines(text, toks)
        if profile.ocr >= 0.3:
            self._prefetch_fuzzy([self._fuzzy_key(skeleton(w)) for w in set(words)
                                  if (w.lower(), profile) not in self._cand_cache])

        # positions of the lattice: (token index or -1, ids, costs, segment start)
        cstart: list[int] = []
        cend: list[int] = []
        cid: list[int] = []
        ccost: list[float] = []
        segstart: list[bool] = []
        pos_tok: list[int] = []
        new_seg = True
        line = 0
        local: dict[tuple[str, bool], tuple[tuple[int, ...], tuple[float, ...]]] = {}
        prev_word = False
        for ti, tok in enumerate(toks):
            kind = tok.kind
            if kind == SPACE:
                line += tok.text.count("\n")
                if "\n" in tok.text:
                    prev_word = False
                if is_break(tok):
                    new_seg = True
                continue
            if kind == PUNCT and tok.text not in _OCR_WORD_CHARS:
                prev_word = False
            if kind == PUNCT and tok.text in _OCR_WORD_CHARS and profile.ocr >= 0.5 and _spaced(toks, ti):
                # an English OCR reads ở as & and ơ as ¢: a lone symbol between words
                kind = WORD
            elif is_break(tok):
                new_seg = True
                continue
            if kind in (SPACE, PUNCT):
                continue
            if kind == WORD and len(tok.text) == 1 and ti + 1 < len(toks) and toks[ti + 1].text == ")":
                ids, costs = (self.unk,), (0.0,)  # list marker a) b) c)
            elif kind == WORD:
                # the same word on the same kind of line gets the same candidates
                doubtful = tok.start in doubted
                lkey = (tok.text, caps_lines[line], doubtful)
                hit = local.get(lkey)
                if hit is None:
                    if tok.kind == PUNCT or not self._passthrough(tok.text, caps_lines[line]):
                        hit = self.candidates(tok.text.lower(), doubt_profile if doubtful else profile)
                        if not hit[0]:
                            hit = (self.unk,), (0.0,)
                    elif tok.text.isdigit():
                        hit = self._number_candidates(tok.text, profile)
                    else:
                        hit = (self.unk,), (0.0,)
                    local[lkey] = hit
                ids, costs = hit
                if prev_word and len(ids) > 1 and is_title(tok.text) and self.settings.case_weight:
                    # a capitalised word inside a sentence is a name: Đảng, not đang
                    costs = tuple(c + self.settings.case_weight * float(self.title_cost[i])
                                  for i, c in zip(ids, costs))
            elif kind == NUMBER:
                ids, costs = self._number_candidates(tok.text, profile)
            else:
                ids, costs = (self.unk,), (0.0,)
            prev_word = kind in (WORD, NUMBER)
            cstart.append(len(cid))
            cid.extend(ids)
            ccost.extend(costs)
            cend.append(len(cid))
            segstart.append(new_seg)
            pos_tok.append(ti)
            new_seg = False

        choices: list[Choice | None] = [None] * len(toks)
        if not cstart:
            return toks, choices, profile
        a_cs = np.asarray(cstart, dtype=np.int64)
        a_ce = np.asarray(cend, dtype=np.int64)
        a_id = np.asarray(cid, dtype=np.int64)
        a_cc = np.asarray(ccost, dtype=np.float64)
        a_ss = np.asarray(segstart, dtype=np.bool_)
        choice = np.zeros(len(cstart), dtype=np.int64)
        alts = np.zeros(len(cid), dtype=np.float64)
        # segments are independent: decode in chunks so the lattice's memory stays
        # bounded however long the text is
        P = len(cstart)
        p0 = 0
        while p0 < P:
            p1 = min(p0 + _CHUNK, P)
            while p1 < P and not segstart[p1]:
                p1 += 1
            kernels.viterbi(
                a_cs[p0:p1], a_ce[p0:p1], a_id, a_cc, a_ss[p0:p1], self.bos, self.eos,
                self.settings.lm_weight, self.settings.beam,
                self.lp1, self.bow1, self.t2, self.sh2, self.t3, self.sh3, choice[p0:p1], alts,
                detailed,
            )
            p0 = p1
        words_list = self.lex.words
        unk, num = self.unk, self.num
        for p, ti in enumerate(pos_tok):
            s, e = cstart[p], cend[p]
            if e - s == 1 and cid[s] in (unk, num):
                continue
            tok = toks[ti]
            wid = cid[s + int(choice[p])]
            if wid == unk or wid == num:
                out = tok.text
            else:
                out = _recase(_styled(words_list[wid], tok.text, style), tok.text)
            if not detailed:
                choices[ti] = Choice(ti, tok.text, out, [], 1.0)
                continue
            # confidence: the chosen word against the others in its place, neighbours fixed
            sc = alts[s:e]
            probs = np.exp(sc - sc.max())
            probs /= probs.sum()
            order = np.argsort(-probs)
            alternatives = [
                (tok.text if cid[s + j] in (unk, num) else _recase(words_list[cid[s + j]], tok.text), float(probs[j]))
                for j in order[:5]
            ]
            choices[ti] = Choice(ti, tok.text, out, alternatives, float(probs[int(choice[p])]))
        return toks, choices, profile

    def best_syllable(self, word: str) -> str | None:
        """The syllable an OCR-damaged word most likely was, alone (no context), in the
        word's case; for names, where the language model has nothing to say."""
        ids, _ = self.candidates(word.lower(), Profile(0.02, 0.18, 0.80))
        for i in ids:
            if i not in (self.unk, self.num):
                return _recase(self.lex.words[i], word)
        return None

    def restore(self, text: str, tone_style: StyleOption = "keep", doubt: Sequence[int] | None = None) -> str:
        toks, choices, _ = self.restore_tokens(text, tone_style, detailed=False, doubt=doubt)
        return "".join(c.output if c is not None else t.text for t, c in zip(toks, choices))

    def _number_candidates(self, text: str, profile: Profile) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """A short number in an English-OCR text may be a word (161 → lối, 13 → là)."""
        if profile.ocr >= 0.5 and len(text) <= 3 and text.isdigit():
            return self.candidates(text, profile, number=True)
        return (self.num,), (0.0,)

    def _passthrough(self, word: str, caps_line: bool) -> bool:
        """Abbreviations, Roman numerals and codes are kept as written."""
        if word.isupper() and len(word) >= 2:
            if _ROMAN_RE.match(word) and not caps_line:
                return True
            if not any(ch.isdigit() for ch in word):
                if not self.lex.by_skeleton.get(skeleton(word)):
                    return True  # UBND, HĐND, TW: no syllable is written with these letters
                if len(word) <= 2 and not caps_line and not is_valid(word.lower()):
                    return True
        if len(word) == 1 and word in "IVX" and not caps_line:
            return True
        if _ROMAN_OCR_RE.match(word) and not word.isdigit():
            return True
        return False


def _doubt_profile(profile: Profile) -> Profile:
    """The channel for a word its OCR doubted: a share of the OCR component, so that
    near-by syllables (other marks, a confused letter) become candidates."""
    if profile.ocr >= DOUBT_OCR_SHARE:
        return profile
    rest = 1.0 - DOUBT_OCR_SHARE
    total = (profile.clean + profile.strip) or 1.0
    return Profile(round(rest * profile.clean / total, 4), round(rest * profile.strip / total, 4), DOUBT_OCR_SHARE)


def _map_offsets(old: str, new: str, offsets: Sequence[int]) -> frozenset[int]:
    """Offsets in ``old`` carried over to ``new`` (the text after repairs)."""
    if old == new:
        return frozenset(offsets)
    import difflib

    out = set()
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for off in offsets:
        for tag, i1, i2, j1, j2 in ops:
            if i1 <= off < i2:
                out.add(j1 + (off - i1) if tag == "equal" else j1)
                break
    return frozenset(out)


DOUBT_OCR_SHARE = 0.35
_OCR_WORD_CHARS = "&¢©@"
_CHUNK = 4096  # lattice positions per Viterbi call


def _digit_letters(table: OcrTable) -> dict[int, str]:
    """For each digit, the base letter whose variants the OCR most often reads as it."""
    from diacritic_restore.restore.channel import base_char

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


_IN_WORD_SYMBOLS = frozenset("@&¢©€§£¥®°#")


def _in_word_symbol(tok: Token, nxt: Token | None) -> bool:
    if tok.kind != PUNCT:
        return False
    ch = tok.text
    if ch in _IN_WORD_SYMBOLS or unicodedata.category(ch).startswith("S"):
        return True
    return ch == "?" and nxt is not None and nxt.kind == WORD


def _merge_ocr_symbols(toks: list[Token]) -> list[Token]:
    """An English OCR writes some Vietnamese letters as symbols inside a word (``n@``
    for nữ, ``tri€t`` for triệt, ``K&`` for Kế, ``cht?c`` for chức): glue each run of
    letters, short digit groups and such symbols back into one word."""
    out: list[Token] = []
    i = 0
    n = len(toks)

    def part(j: int) -> bool:
        t = toks[j]
        if t.kind == WORD or (t.kind == NUMBER and t.text.isdigit() and len(t.text) <= 3):
            return True
        return _in_word_symbol(t, toks[j + 1] if j + 1 < n else None)

    while i < n:
        if not part(i):
            out.append(toks[i])
            i += 1
            continue
        j = i
        while j < n and part(j):
            j += 1
        run = toks[i:j]
        has_sym = any(t.kind == PUNCT for t in run)
        has_word = any(t.kind != PUNCT for t in run)
        if has_sym and has_word and len(run) > 1:
            out.append(Token(WORD, "".join(t.text for t in run), run[0].start))
        else:
            out.extend(run)
        i = j
    return out


def _spaced(toks: list[Token], i: int) -> bool:
    return 0 < i < len(toks) - 1 and toks[i - 1].kind == SPACE and toks[i + 1].kind == SPACE


def _document_style(words: list[str]) -> Literal["old", "new"]:
    votes: Counter[str] = Counter()
    for w in words:
        s = style_of(w)
        if s:
            votes[s] += 1
    return "old" if votes["old"] > votes["new"] else "new"


def _styled(word: str, original: str, style: str) -> str:
    """The chosen syllable in the document's style; an unchanged word keeps its own."""
    if canonical(original) == word:
        return original.lower()
    return restyle(word, style)  # type: ignore[arg-type]


def _recase(word: str, original: str) -> str:
    """Give the restored word the original's capitalisation (lower, Title or ALL-CAPS);
    digits in a damaged word (``S6``) say nothing about case."""
    letters = [c for c in original if c.isalpha()]
    # OCR lower-cases a letter of a heading now and then (TRuC): most upper is upper
    if len(letters) >= 2 and sum(c.isupper() for c in letters) >= max(2, 0.7 * len(letters)):
        return word.upper()
    if original[:1].isupper() or (original[:1].isdigit() and letters and letters[0].isupper()):
        return word[:1].upper() + word[1:]
    return word


def _caps_lines(text: str, toks: list[Token]) -> list[bool]:
    """Per line: is it an ALL-CAPS heading (most of its letters upper case)?"""
    out = []
    for line in text.split("\n"):
        letters = [c for c in line if c.isalpha()]
        up = sum(c.isupper() for c in letters)
        out.append(bool(letters) and up >= 0.7 * len(letters))
    return out
