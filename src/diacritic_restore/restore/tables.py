"""The compiled tables a loaded model set owns, built once from (lexicon, LM, OCR table).

Plain numpy arrays in the layouts the numba kernels (``kernels``) read: the n-gram hash
tables for ``viterbi``, the lexicon's letters for ``channel_costs``, and per syllable the
cost of seeing it capitalised inside a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diacritic_restore.restore import kernels
from diacritic_restore.restore.channel import Alphabet, CostTables, OcrTable, build_cost_tables, pack_placements
from diacritic_restore.restore.lexicon import Lexicon
from diacritic_restore.restore.lm import NgramModel
from diacritic_restore.text.syllable import restyle
from diacritic_restore.text.tokens import BOS, EOS, NUM, UNK


@dataclass(frozen=True, eq=False)
class ModelTables:
    """Ids of the special tokens and the arrays the kernels take."""

    bos: int
    eos: int
    num: int
    unk: int
    # language model: unigram log-probabilities and backoffs, bigram and trigram tables
    lp1: np.ndarray
    bow1: np.ndarray
    t2: np.ndarray
    sh2: np.uint64
    t3: np.ndarray
    sh3: np.uint64
    # -log P(Title case | syllable, mid-sentence): evidence a capitalised word carries
    title_cost: np.ndarray
    # channel: the alphabet, its cost tables and every lexicon word in both tone placements
    alpha: Alphabet
    cost_tables: CostTables
    woff: np.ndarray
    wchars: np.ndarray
    aoff: np.ndarray
    achars: np.ndarray


def build_tables(lex: Lexicon, lm: NgramModel, table: OcrTable) -> ModelTables:
    """All the compiled tables of one model set (a few seconds for a full lexicon)."""
    idx = lex.index
    specials = idx[BOS], idx[EOS], idx[NUM], idx[UNK]
    t2, sh2, t3, sh3 = _ngram_tables(lm)
    # the alphabet covers every letter of the lexicon in either tone placement and
    # every letter the OCR table knows
    letters = set("".join(lex.words)) | set("".join(restyle(w, "old") for w in lex.words))
    alpha = Alphabet(letters | set(table.keep) | set(table.insert))
    woff, wchars, aoff, achars = pack_placements(lex.words, alpha)
    return ModelTables(
        *specials,
        lp1=lm.logp[1].astype(np.float32), bow1=lm.bow[1].astype(np.float32), t2=t2, sh2=sh2, t3=t3, sh3=sh3,
        title_cost=_title_costs(lex, specials), alpha=alpha, cost_tables=build_cost_tables(table, alpha),
        woff=woff, wchars=wchars, aoff=aoff, achars=achars,
    )


def _ngram_tables(lm: NgramModel) -> tuple[np.ndarray, np.uint64, np.ndarray, np.uint64]:
    """Hash tables of the bigrams (score, backoff, has trigrams) and trigrams (score)."""
    k2, k3 = lm.keys[2], lm.keys[3]
    # a bigram without trigram continuations lets the search skip the trigram probe
    has_children = np.isin(k2, np.unique(k3 >> 16))
    t2, sh2 = kernels.build_table(k2, kernels.pack_bigram_payload(lm.logp[2], lm.bow[2], has_children), 32)
    t3, sh3 = kernels.build_table(k3, kernels.pack_trigram_payload(lm.logp[3]), 48)
    return t2, sh2, t3, sh3


def _title_costs(lex: Lexicon, specials: tuple[int, ...]) -> np.ndarray:
    """-log P(Title case | syllable, mid-sentence), smoothed; 0 for the special tokens."""
    mid = np.asarray(lex.mid, dtype=np.float64)
    title = np.asarray(lex.title, dtype=np.float64)
    cost = -np.log((title + 0.1) / (mid + 1.0))
    cost[list(specials)] = 0.0
    return cost
