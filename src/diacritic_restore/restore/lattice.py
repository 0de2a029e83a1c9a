"""The lattice of a text and its decoding: candidates per position, compiled Viterbi.

One position per token to restore (words, numbers, lone OCR symbols); punctuation and
line breaks cut the lattice into segments, each decoded from ``<s>`` to ``</s>``.  The
search itself is ``kernels.viterbi``, run over chunks of whole segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from diacritic_restore.restore import kernels
from diacritic_restore.restore.candidates import CandidateGenerator, Candidates, doubt_profile
from diacritic_restore.restore.channel import Profile
from diacritic_restore.restore.passthrough import OCR_WORD_CHARS, is_list_marker, is_lone_symbol, is_passthrough
from diacritic_restore.restore.settings import Settings
from diacritic_restore.restore.tables import ModelTables
from diacritic_restore.text.syllable import canonical, has_marks
from diacritic_restore.text.tokens import NUMBER, PUNCT, SPACE, WORD, Token, is_break, is_title

# the clean share of a profile from which the text is a text layer (names as written)
CLEAN_FROM = 0.9

_CHUNK = 4096  # lattice positions per Viterbi call: bounds the search's memory


@dataclass
class Lattice:
    """Flat arrays of the search: position p has candidates ``cid[cstart[p]:cend[p]]``
    with channel costs ``ccost[...]``, starts a segment if ``segstart[p]`` and stands
    for token ``pos_tok[p]`` of the text."""

    cstart: list[int] = field(default_factory=list)
    cend: list[int] = field(default_factory=list)
    cid: list[int] = field(default_factory=list)
    ccost: list[float] = field(default_factory=list)
    segstart: list[bool] = field(default_factory=list)
    pos_tok: list[int] = field(default_factory=list)

    def add(self, token: int, ids: tuple[int, ...], costs: tuple[float, ...], new_segment: bool) -> None:
        self.cstart.append(len(self.cid))
        self.cid.extend(ids)
        self.ccost.extend(costs)
        self.cend.append(len(self.cid))
        self.segstart.append(new_segment)
        self.pos_tok.append(token)


class TextCandidates:
    """Candidates for the tokens of one text, with the text's profile and OCR doubts."""

    def __init__(self, gen: CandidateGenerator, settings: Settings, profile: Profile,
                 doubted: frozenset[int], caps_lines: list[bool], foreign_lines: list[bool] | None = None,
                 names_as_written: bool = True):
        self.gen = gen
        self.foreign_lines = foreign_lines
        self.profile = profile
        self.doubt_profile = doubt_profile(profile, settings.doubt_ocr_share)
        self.doubted = doubted
        self.caps_lines = caps_lines
        self.case_weight = settings.case_weight
        self.unk = gen.tables.unk
        self.title_cost = gen.tables.title_cost
        # in a text layer a capitalised word inside a sentence is a name as written
        self.name_cost = settings.name_keep_cost if names_as_written and profile.clean >= CLEAN_FROM else 0.0
        # the same word on the same kind of line gets the same candidates
        self._local: dict[tuple[str, bool, bool], Candidates] = {}

    def word(self, tok: Token, line: int, after_word: bool) -> Candidates:
        """A word's candidates; ``after_word``: it follows a word on its line."""
        caps = self.caps_lines[line]
        doubtful = tok.start in self.doubted
        key = (tok.text, caps, doubtful)
        hit = self._local.get(key)
        if hit is None:
            hit = self._local[key] = self._lookup(tok, caps, doubtful)
        ids, costs = hit
        if after_word and len(ids) > 1 and is_title(tok.text) and self.case_weight:
            # a capitalised word inside a sentence is a name: Đảng, not đang
            cost = self.title_cost
            costs = tuple(c + self.case_weight * float(cost[i]) for i, c in zip(ids, costs))
            if self.name_cost and not doubtful and has_marks(tok.text):
                costs = self._as_written(tok.text, ids, costs)
        return ids, costs

    def _as_written(self, text: str, ids: tuple[int, ...], costs: tuple[float, ...]) -> tuple[float, ...]:
        """Costs with every reading but the name as written (Cường, Hô, Thín) made
        ``name_cost`` dearer: the language model knows little of names.  Only for
        words that carry marks and that the OCR did not doubt: a bare ``Ty`` in a
        marked text more likely lost its marks (Ất Tỵ)."""
        words = self.gen.lex.words
        own = canonical(text.lower())
        if not any(words[i] == own for i in ids):
            return costs
        return tuple(c if words[i] == own else c + self.name_cost for i, c in zip(ids, costs))

    def number(self, text: str) -> Candidates:
        return self.gen.number_candidates(text, self.profile)

    def _lookup(self, tok: Token, caps: bool, doubtful: bool) -> Candidates:
        # a lone OCR symbol (kind PUNCT) is a letter, never an abbreviation
        if tok.kind == PUNCT or not is_passthrough(tok.text, caps, self.gen.lex.by_skeleton):
            hit = self.gen.candidates(tok.text.lower(), self.doubt_profile if doubtful else self.profile)
            return hit if hit[0] else ((self.unk,), (0.0,))
        if tok.text.isdigit():
            return self.gen.number_candidates(tok.text, self.profile)
        return (self.unk,), (0.0,)


def build_lattice(toks: list[Token], cands: TextCandidates, lone_symbols: bool) -> Lattice:
    """The lattice of a tokenised text; ``lone_symbols``: read a symbol standing alone
    between words as a word (an English OCR reads ở as & and ơ as ¢)."""
    lat = Lattice()
    unk = cands.unk
    new_seg = True
    line = 0
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
        if kind == PUNCT and tok.text not in OCR_WORD_CHARS:
            prev_word = False
        if kind == PUNCT and lone_symbols and is_lone_symbol(toks, ti):
            kind = WORD
        elif is_break(tok):
            new_seg = True
            continue
        if kind == PUNCT:
            continue
        if (kind == WORD and is_list_marker(toks, ti)) or (cands.foreign_lines and cands.foreign_lines[line]):
            ids, costs = (unk,), (0.0,)  # a list marker a) b), or a word of a line in another language
        elif kind == WORD:
            ids, costs = cands.word(tok, line, prev_word)
        elif kind == NUMBER:
            ids, costs = cands.number(tok.text)
        else:
            ids, costs = (unk,), (0.0,)
        prev_word = kind in (WORD, NUMBER)
        lat.add(ti, ids, costs, new_seg)
        new_seg = False
    return lat


def decode(lat: Lattice, tables: ModelTables, settings: Settings, detailed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Best path through the lattice: per position the index of its chosen candidate
    and, when ``detailed``, per candidate the score of that path with it swapped in."""
    a_cs = np.asarray(lat.cstart, dtype=np.int64)
    a_ce = np.asarray(lat.cend, dtype=np.int64)
    a_id = np.asarray(lat.cid, dtype=np.int64)
    a_cc = np.asarray(lat.ccost, dtype=np.float64)
    a_ss = np.asarray(lat.segstart, dtype=np.bool_)
    choice = np.zeros(len(lat.cstart), dtype=np.int64)
    alts = np.zeros(len(lat.cid), dtype=np.float64)
    t = tables
    # segments are independent: decode in chunks so the lattice's memory stays
    # bounded however long the text is
    P = len(lat.cstart)
    p0 = 0
    while p0 < P:
        p1 = min(p0 + _CHUNK, P)
        while p1 < P and not lat.segstart[p1]:
            p1 += 1
        kernels.viterbi(
            a_cs[p0:p1], a_ce[p0:p1], a_id, a_cc, a_ss[p0:p1], t.bos, t.eos, settings.lm_weight, settings.beam,
            t.lp1, t.bow1, t.t2, t.sh2, t.t3, t.sh3, choice[p0:p1], alts, detailed,
        )
        p0 = p1
    return choice, alts
