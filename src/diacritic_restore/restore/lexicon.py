"""The syllable lexicon: every known syllable with its frequency, indexed by skeleton.

Syllables are stored in their canonical form (tone placed in the ``new`` style); the
skeleton index maps mark-less letters (``dang``) to every syllable written with them
(``đang``, ``đảng``, ``dạng``...), most frequent first.  The file is plain TSV with a
versioned first line, in the spirit of symspellpy's frequency dictionaries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from diacritic_restore.fileio import write_text_atomic
from diacritic_restore.models.store import LEXICON
from diacritic_restore.text.syllable import canonical, is_valid, skeleton
from diacritic_restore.text.tokens import BOS, EOS, NUM, UNK

FORMAT = LEXICON.format
VERSION = LEXICON.version
SPECIALS = (BOS, EOS, NUM, UNK)


class LexiconFormatError(ValueError):
    pass


@dataclass
class Lexicon:
    """Syllables (ids 0..n-1, specials first) with counts and a skeleton index."""

    words: list[str]
    counts: list[int]
    meta: dict[str, str] = field(default_factory=dict)
    # weighted counts of the word after another word on its line, and Title-case there
    mid: list[int] = field(default_factory=list)
    title: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.mid:
            self.mid = [0] * len(self.words)
            self.title = [0] * len(self.words)
        self.index: dict[str, int] = {w: i for i, w in enumerate(self.words)}
        by_skel: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            if w in SPECIALS:
                continue
            by_skel.setdefault(skeleton(w), []).append(i)
        for ids in by_skel.values():
            ids.sort(key=lambda i: -self.counts[i])
        self.by_skeleton: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_skel.items()}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return canonical(word) in self.index

    def count(self, word: str) -> int:
        i = self.index.get(canonical(word))
        return 0 if i is None else self.counts[i]

    def candidates(self, skel: str) -> tuple[int, ...]:
        return self.by_skeleton.get(skel, ())

    def rarely_bare(self, share: float = 0.03) -> frozenset[str]:
        """Skeletons almost never written bare (``cong``, ``va``, ``cac``: under ``share``
        of their syllables' running-text count): such a bare word is a stripped one."""
        out = []
        for skel, ids in self.by_skeleton.items():
            total = sum(self.counts[i] for i in ids)
            bare = self.index.get(skel)
            if total >= 100 and (0 if bare is None else self.counts[bare]) < share * total:
                out.append(skel)
        return frozenset(out)


def build(
    counts: Mapping[str, int],
    extra: Iterable[str] = (),
    min_count: int = 1,
    case: tuple[Mapping[str, int], Mapping[str, int]] | None = None,
) -> Lexicon:
    """Lexicon from syllable counts (any style; merged by canonical key) plus extra
    syllables known from word lists, which enter with count 0; ``case`` gives the
    (Title-case, mid-sentence) counts by canonical syllable."""
    merged: dict[str, int] = {}
    for w, c in counts.items():
        if w in SPECIALS:
            continue
        if not is_valid(w):
            continue
        k = canonical(w)
        merged[k] = merged.get(k, 0) + int(c)
    merged = {k: c for k, c in merged.items() if c >= min_count}
    for w in extra:
        w = w.strip().lower()
        if w and is_valid(w):
            merged.setdefault(canonical(w), 0)
    words = sorted(merged, key=lambda k: (-merged[k], k))
    title, mid = case if case is not None else ({}, {})
    z = [0] * len(SPECIALS)
    return Lexicon(
        list(SPECIALS) + words, z + [merged[k] for k in words],
        mid=z + [int(mid.get(k, 0)) for k in words], title=z + [int(title.get(k, 0)) for k in words],
    )


def save(lex: Lexicon, path: str | os.PathLike) -> None:
    path = Path(path)
    lines = [f"# {FORMAT} {VERSION}"]
    lines += [f"# {k}: {v}" for k, v in sorted(lex.meta.items())]
    lines.append("syllable\tcount\tskeleton\tmid\ttitle")
    for w, c, m, t in zip(lex.words, lex.counts, lex.mid, lex.title):
        lines.append(f"{w}\t{c}\t{'' if w in SPECIALS else skeleton(w)}\t{m}\t{t}")
    write_text_atomic(path, "\n".join(lines) + "\n")


def load(path: str | os.PathLike) -> Lexicon:
    with open(path, encoding="utf-8") as fh:
        first = fh.readline().split()
        if len(first) != 3 or first[1] != FORMAT:
            raise LexiconFormatError(f"{path}: not a vnrestore lexicon")
        if first[2] != str(VERSION):
            raise LexiconFormatError(f"{path}: lexicon version {first[2]}, expected {VERSION}")
        meta: dict[str, str] = {}
        words: list[str] = []
        counts: list[int] = []
        mids: list[int] = []
        titles: list[int] = []
        for line in fh:
            if line.startswith("# "):
                k, _, v = line[2:].rstrip("\n").partition(": ")
                meta[k] = v
                continue
            if line.startswith("syllable\t"):
                continue
            w, c, _, m, t = line.rstrip("\n").split("\t")
            words.append(w)
            counts.append(int(c))
            mids.append(int(m))
            titles.append(int(t))
    return Lexicon(words, counts, meta, mids, titles)
