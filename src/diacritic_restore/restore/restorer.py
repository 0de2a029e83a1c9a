"""Restoration of a text: the ``Restorer`` facade over tables, candidates and lattice.

Data flow for one text: repairs and tokenising (keeping every character) → which
tokens are words to restore and which pass through (``passthrough``) → candidates with
channel costs per word (``candidates``, cached per distinct token) → one lattice for the
whole text, cut into segments at punctuation, and the compiled Viterbi (``decode``) →
words re-cased and written back in place (``recase``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

from diacritic_restore.restore.candidates import CandidateGenerator
from diacritic_restore.restore.channel import OCR_PROFILE, OcrTable, Profile, estimate_profile
from diacritic_restore.restore.lattice import Lattice, TextCandidates, build_lattice, decode
from diacritic_restore.restore.lexicon import Lexicon
from diacritic_restore.restore.lm import NgramModel
from diacritic_restore.restore.passthrough import merge_ocr_symbols
from diacritic_restore.restore.recase import caps_lines, document_style, recase, styled
from diacritic_restore.restore.settings import Settings
from diacritic_restore.restore.tables import build_tables
from diacritic_restore.text.language import foreign_lines
from diacritic_restore.text.repairs import repair
from diacritic_restore.text.syllable import canonical
from diacritic_restore.text.tokens import WORD, Token, tokenize

StyleOption = Literal["keep", "old", "new"]


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
        self.settings = Settings() if settings is None else settings
        self.tables = t = build_tables(lex, lm, table)
        self.cands = CandidateGenerator(lex, t, table, self.settings)
        self._rarely_bare = lex.rarely_bare()
        # the ids and n-gram tables as attributes too: tests and tools call the kernels
        self.bos, self.eos, self.num, self.unk = t.bos, t.eos, t.num, t.unk
        self.lp1, self.bow1, self.t2, self.sh2, self.t3, self.sh3 = t.lp1, t.bow1, t.t2, t.sh2, t.t3, t.sh3

    def _known(self, word: str) -> bool:
        """A syllable the training text used (not only listed): what a split may be
        joined into."""
        i = self.lex.index.get(canonical(word))
        return i is not None and self.lex.counts[i] > 0

    # the caches, for timing runs that clear them (bench/, tests)
    @property
    def _cand_cache(self) -> dict:
        return self.cands.cand_cache

    @property
    def _fuzzy_cache(self) -> dict:
        return self.cands.fuzzy_cache

    def warm_up(self) -> None:
        """Load the compiled kernels now (numba's on-disk cache), not in the first call."""
        self.restore("khoi dong")
        for n in range(1, 9):
            self.cands.pool(n)  # model-derived fuzzy pools, not per-token state
        self.cands.clear()

    def restore(self, text: str, tone_style: StyleOption = "keep", doubt: Sequence[int] | None = None) -> str:
        toks, choices, _ = self.restore_tokens(text, tone_style, detailed=False, doubt=doubt)
        return "".join(c.output if c is not None else t.text for t, c in zip(toks, choices))

    def restore_tokens(
        self, text: str, tone_style: StyleOption = "keep", profile: Profile | None = None,
        detailed: bool = True, doubt: Sequence[int] | None = None,
    ) -> tuple[list[Token], list[Choice | None], Profile]:
        """``doubt``: start offsets (in ``text``) of words the OCR was unsure of; they
        are decoded with the OCR channel's freedom whatever the document's profile.
        Given (even empty), the text is an OCR page, not a text layer: it may have
        lost marks anywhere, and its capitalised words are not taken as names as
        written (the OCR misreads Ất as Át too)."""
        repaired, _ = repair(text, self._known)  # NFC and text-layer repairs come first
        doubted = _map_offsets(text, repaired, doubt) if doubt else frozenset()
        text = repaired
        toks = tokenize(text)
        foreign = foreign_lines(text)
        words = _vietnamese_words(toks, text, foreign)
        if profile is None:
            # an OCR page loses marks as it reads: no well-marked text layer (see channel)
            profile = estimate_profile(words, self._known, self._rarely_bare if doubt is None else frozenset())
        st = self.settings
        symbols = profile.ocr >= st.ocr_symbols_from
        if symbols:
            toks = merge_ocr_symbols(toks)
        style = document_style(words) if tone_style == "keep" else tone_style
        if profile.ocr >= st.ocr_fuzzy_from:
            self.cands.prefetch(words, profile)
        cands = TextCandidates(self.cands, st, profile, doubted, caps_lines(text), foreign if any(foreign) else None,
                               names_as_written=doubt is None)
        lat = build_lattice(toks, cands, symbols)
        if not lat.cstart:
            return toks, [None] * len(toks), profile
        choice, alts = decode(lat, self.tables, st, detailed)
        return toks, self._choices(toks, lat, choice, alts, style, detailed), profile

    def best_syllable(self, word: str) -> str | None:
        """The syllable an OCR-damaged word most likely was, alone (no context), in the
        word's case; for names, where the language model has nothing to say."""
        ids, _ = self.cands.candidates(word.lower(), OCR_PROFILE)
        for i in ids:
            if i not in (self.unk, self.num):
                return recase(self.lex.words[i], word)
        return None

    def _choices(self, toks: list[Token], lat: Lattice, choice: np.ndarray, alts: np.ndarray, style: str,
                 detailed: bool) -> list[Choice | None]:
        """Each decoded token's output, and when ``detailed`` its alternatives with
        their probabilities (the chosen word against the others in its place,
        neighbours fixed); None for tokens kept as they are."""
        out: list[Choice | None] = [None] * len(toks)
        words = self.lex.words
        unk, num = self.unk, self.num
        cid = lat.cid
        for p, ti in enumerate(lat.pos_tok):
            s, e = lat.cstart[p], lat.cend[p]
            if e - s == 1 and cid[s] in (unk, num):
                continue
            tok = toks[ti]
            wid = cid[s + int(choice[p])]
            text = tok.text if wid == unk or wid == num else recase(styled(words[wid], tok.text, style), tok.text)
            if not detailed:
                out[ti] = Choice(ti, tok.text, text, [], 1.0)
                continue
            sc = alts[s:e]
            probs = np.exp(sc - sc.max())
            probs /= probs.sum()
            order = np.argsort(-probs)
            alternatives = [
                (tok.text if cid[s + j] in (unk, num) else recase(words[cid[s + j]], tok.text), float(probs[j]))
                for j in order[:5]
            ]
            out[ti] = Choice(ti, tok.text, text, alternatives, float(probs[int(choice[p])]))
        return out


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


def _vietnamese_words(toks: list[Token], text: str, foreign: list[bool]) -> list[str]:
    """The words of the text outside lines in another language (they shape neither the
    document's damage profile nor its tone style)."""
    if not any(foreign):
        return [t.text for t in toks if t.kind == WORD]
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    return [t.text for t in toks if t.kind == WORD and not foreign[bisect.bisect_right(starts, t.start) - 1]]
