"""The error model P(observed token | intended syllable) and candidate generation.

Three ways a syllable reaches us, mixed per document:

* ``clean``: a good text layer; the observed token is almost always the syllable.
* ``strip``: marks lost (typed without diacritics, ASCII folding); letters intact.
* ``ocr``: an English-model OCR read the page: marks become Latin-1 look-alikes
  (``ế``→``é``), letters are confused (``l``→``1``, ``Đ``→``P``, ``ủ``→``ci``).

Each is a character-level model over the alignment of observed and intended letters.
The ``ocr`` costs are learned from aligned (truth, OCR) text pairs (see
``corpora/ocr-eng/``) with Tesseract's ``vie.unicharambigs`` as a prior; ``clean`` and
``strip`` are fixed by their definition.  Costs are negative natural logs.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

from diacritic_restore.fileio import write_text_atomic
from diacritic_restore.models.store import CHANNEL
from diacritic_restore.text.syllable import restyle, skeleton, strip_marks
from diacritic_restore.text.tokens import WORD, tokenize

FORMAT = CHANNEL.format
VERSION = CHANNEL.version

_VIET_ONLY = set("ăđơưảạẻẹẽỉịĩỏọõủụũỷỵỹ"
                 "ằắẳẵặầấẩẫậềếểễệồốổỗộờớởỡợừứửữựỳ")


_BASE_CACHE: dict[str, str] = {}


def base_char(ch: str) -> str:
    """A letter without marks (``ế`` → ``e``, ``đ`` → ``d``)."""
    b = _BASE_CACHE.get(ch)
    if b is None:
        b = _BASE_CACHE[ch] = strip_marks(ch).lower()
    return b


class ChannelFormatError(ValueError):
    pass


@dataclass
class OcrTable:
    """Learned character costs of the English-model OCR channel."""

    keep: dict[str, float]
    sub: dict[str, dict[str, float]]
    delete: dict[str, float]
    insert: dict[str, float]
    default_keep: float = 0.05
    default_sub_mark: float = 3.0  # same letter, other marks
    default_sub_letter: float = 8.0
    default_delete: float = 8.0
    default_insert: float = 8.0
    meta: dict = field(default_factory=dict)

    def sub_cost(self, t: str, o: str) -> float:
        row = self.sub.get(t)
        if row is not None:
            c = row.get(o)
            if c is not None:
                return c
        return self.default_sub_mark if base_char(t) == base_char(o) else self.default_sub_letter


def _pairs_from_lines(truth: str, ocr: str) -> Iterable[tuple[str, str]]:
    """Word pairs of one aligned line pair (1:1 inside equal-sized replace blocks)."""
    tw = [t.text.lower() for t in tokenize(unicodedata.normalize("NFC", truth)) if t.kind == WORD]
    ow = [t.text.lower() for t in tokenize(unicodedata.normalize("NFC", ocr)) if t.kind == WORD]
    tk = [skeleton(w) for w in tw]
    ok = [skeleton(w) for w in ow]
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(tk, ok):
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for a, b in zip(tw[i1:i2], ow[j1:j2]):
                yield a, b


def learn_ocr(
    line_pairs: Iterable[tuple[str, str]],
    ambigs: Sequence[tuple[str, str]] = (),
    word_pairs: Iterable[tuple[str, str]] = (),
) -> OcrTable:
    """Character confusion costs from aligned (truth, OCR) lines and word pairs.

    ``ambigs`` are (intended, observed) pairs from Tesseract's unicharambigs: each adds
    a pseudo-count so confusions the sample did not show are still cheap-ish.
    ``word_pairs`` are (intended, observed) lower-case words, e.g. from self-training.
    """
    from itertools import chain

    def line_words():
        for truth, ocr in line_pairs:
            yield from _pairs_from_lines(truth, ocr)

    occ: Counter[str] = Counter()
    keep: Counter[str] = Counter()
    sub: Counter[tuple[str, str]] = Counter()
    dele: Counter[str] = Counter()
    ins: Counter[str] = Counter()
    n_words = 0
    for t, o in chain(line_words(), word_pairs):
        if True:
            n_words += 1
            occ.update(t)
            changed = set()
            for op in Levenshtein.editops(t, o):
                if op.tag == "replace":
                    sub[(t[op.src_pos], o[op.dest_pos])] += 1
                    changed.add(op.src_pos)
                elif op.tag == "delete":
                    dele[t[op.src_pos]] += 1
                    changed.add(op.src_pos)
                else:
                    # an inserted letter is charged to the letter it follows
                    ins[o[op.dest_pos]] += 1
            for i, ch in enumerate(t):
                if i not in changed:
                    keep[ch] += 1
    for t, o in ambigs:
        if len(t) == 1 and len(o) == 1:
            sub[(t, o)] += 1
    total_chars = sum(occ.values()) or 1
    alpha = 0.5
    keep_c: dict[str, float] = {}
    sub_c: dict[str, dict[str, float]] = {}
    del_c: dict[str, float] = {}
    for ch, n in occ.items():
        denom = n + alpha * 2
        keep_c[ch] = -math.log((keep[ch] + alpha) / denom)
        if dele[ch]:
            del_c[ch] = -math.log((dele[ch] + 0.1) / denom)
    for (t, o), n in sub.items():
        denom = occ.get(t, 0) + alpha * 2
        sub_c.setdefault(t, {})[o] = -math.log((n + 0.1) / denom)
    ins_c = {ch: -math.log((n + 0.1) / total_chars) for ch, n in ins.items()}
    meta = {"words": n_words, "chars": total_chars}
    return OcrTable(keep_c, sub_c, del_c, ins_c, meta=meta)


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(truth, ocr) rows of a TSV with a header naming ``truth`` and ``ocr`` columns."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ValueError(f"{path}: empty")
    head = lines[0].split("\t")
    if "truth" not in head or "ocr" not in head:
        raise ValueError(f"{path}: needs a header with 'truth' and 'ocr' columns")
    ti, oi = head.index("truth"), head.index("ocr")
    rows = []
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) == len(head):
            rows.append((parts[ti], parts[oi]))
    return rows


def read_unicharambigs(path: Path) -> list[tuple[str, str]]:
    """(intended, observed) pairs from a Tesseract unicharambigs file."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        src = parts[1].replace(" ", "")
        dst = parts[3].replace(" ", "")
        out.append((unicodedata.normalize("NFC", dst), unicodedata.normalize("NFC", src)))
    return out


def save(table: OcrTable, path: Path) -> None:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "meta": table.meta,
        "keep": table.keep,
        "sub": table.sub,
        "delete": table.delete,
        "insert": table.insert,
    }
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0))


def load(path: Path) -> OcrTable:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ChannelFormatError(f"{path}: not a vnrestore channel model of version {VERSION}")
    return OcrTable(doc["keep"], doc["sub"], doc["delete"], doc["insert"], meta=doc.get("meta", {}))


# ------------------------------------------------------------------------ profiles


@dataclass(frozen=True)
class Profile:
    """Mixture weights of the three channels for one document."""

    clean: float
    strip: float
    ocr: float

    @property
    def name(self) -> str:
        best = max((self.clean, "clean"), (self.strip, "strip"), (self.ocr, "ocr"))
        return best[1]


# the profile of a text an English-model OCR read
OCR_PROFILE = Profile(0.02, 0.18, 0.80)
# the profile of a good text layer
CLEAN_PROFILE = Profile(0.93, 0.05, 0.02)
# the profile of a text layer that carries all the marks correct text does
WELL_MARKED_PROFILE = Profile(0.975, 0.005, 0.02)


def estimate_profile(words: Iterable[str], known: Callable[[str], bool] | None = None,
                     rarely_bare: frozenset[str] = frozenset()) -> Profile:
    """Guess how a document was damaged from the marks its words carry.

    A Vietnamese text layer shows letters only Vietnamese uses (ơ, ư, đ, ạ, ả...);
    an English OCR shows only Latin-1 marks (é, ô, à) and never those; stripped text
    shows none.  Correct Vietnamese has Latin-1-only words too (các, và, chính): a line
    of them can outnumber the Vietnamese-only ones, so a tenth of the marked words
    in Vietnamese-only letters is enough for a text layer.  Marks all Latin-1 are a
    text layer still when ``known`` (the lexicon's syllables) knows nine in ten of
    those words: an English OCR's are mostly misreadings (kién, cúa, nhiém).
    ``rarely_bare``: skeletons correct text hardly ever leaves bare (see
    :func:`_clean_profile`).
    """
    n = viet = latin = latin_known = stripped = 0
    for w in words:
        if not w.isalpha():
            continue
        n += 1
        low = w.lower()
        if any(c in _VIET_ONLY for c in low):
            viet += 1
        elif skeleton(low) != low:
            latin += 1
            latin_known += known is not None and known(low)
        elif low in rarely_bare:
            stripped += 1
    if n == 0:
        return Profile(0.9, 0.05, 0.05)
    marked = (viet + latin) / n
    if marked < 0.03:
        return Profile(0.02, 0.96, 0.02)
    if viet >= latin or (viet and viet >= 0.1 * (viet + latin)) or \
            (known is not None and marked >= 0.3 and latin_known >= 0.9 * latin):
        return _clean_profile(stripped / n if rarely_bare else 1.0)
    return OCR_PROFILE


def _clean_profile(stripped: float) -> Profile:
    """A text layer's profile, given the share of its words that are bare forms correct
    text hardly ever writes (``cong``, ``va``).  Without them a bare word is most
    likely meant bare (``Chi``, ``do``, ``tư``): the strip component gets a tenth of its
    weight, and re-marking a bare word needs 2.3 more nats of context."""
    return CLEAN_PROFILE if stripped >= STRIPPED_FROM else WELL_MARKED_PROFILE


# a text layer with this share of surely-stripped words may have lost marks elsewhere
STRIPPED_FROM = 0.01


# ------------------------------------------------------------------------ the model


CLEAN, STRIP, OCR = 0, 1, 2
_BIG = 30.0


class Alphabet:
    """Characters to small integers for the compiled edit distance (0 = unknown)."""

    def __init__(self, chars: Iterable[str]):
        extra = "0123456789abcdefghijklmnopqrstuvwxyz@&¢©®°|!'\"$%()*+,-./:;<=>?[]^_`{}~"
        self.chars = ["\0"] + sorted(set(chars) | set(extra))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, word: str) -> "np.ndarray":
        get = self.index.get
        return np.fromiter((get(c, 0) for c in word), dtype=np.int64, count=len(word))


@dataclass
class CostTables:
    """Per component (clean, strip, ocr): keep[t], sub[t, o], delete[t], insert[o]."""

    keep: "np.ndarray"
    sub: "np.ndarray"
    delete: "np.ndarray"
    insert: "np.ndarray"


def build_cost_tables(table: OcrTable, alpha: Alphabet) -> CostTables:
    """Dense cost arrays of the three channel components over an alphabet.

    clean: the text layer is right; dropping a mark costs 6, changing one 7, any letter
    edit 14.  strip: marks vanish for free, nothing else happens.  ocr: learned.
    """
    A = len(alpha)
    keep = np.zeros((3, A))
    sub = np.zeros((3, A, A))
    dele = np.zeros((3, A))
    ins = np.zeros((3, A))
    chars = alpha.chars
    bases = [base_char(c) if i else "" for i, c in enumerate(chars)]
    marked = np.array([i > 0 and bases[i] != c for i, c in enumerate(chars)])
    for t in range(A):
        tc = chars[t]
        keep[CLEAN, t] = 0.0025
        keep[STRIP, t] = _BIG if marked[t] else 0.0
        keep[OCR, t] = table.keep.get(tc, table.default_keep)
        dele[CLEAN, t] = 14.0
        dele[STRIP, t] = _BIG
        dele[OCR, t] = table.delete.get(tc, table.default_delete)
        ins[CLEAN, t] = 14.0
        ins[STRIP, t] = _BIG
        ins[OCR, t] = table.insert.get(tc, table.default_insert)
        for o in range(A):
            oc = chars[o]
            if t and o and bases[t] == bases[o]:
                sub[CLEAN, t, o] = 6.0 if oc == bases[t] else 7.0
                sub[STRIP, t, o] = 0.0 if oc == bases[t] else _BIG
            else:
                sub[CLEAN, t, o] = 14.0
                sub[STRIP, t, o] = _BIG
            sub[OCR, t, o] = table.sub_cost(tc, oc) if t and o else table.default_sub_letter
    return CostTables(keep, sub, dele, ins)


def pack_words(words: Sequence[str], alpha: Alphabet) -> tuple[np.ndarray, np.ndarray]:
    """Words as one array of character codes: word i is ``chars[offsets[i]:offsets[i + 1]]``
    (the layout the compiled channel reads)."""
    codes = [alpha.encode(w) for w in words]
    offsets = np.zeros(len(codes) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(c) for c in codes])
    # never empty: an empty array would give numba another type to compile for
    chars = np.concatenate(codes) if offsets[-1] else np.zeros(1, np.int64)
    return offsets, chars


def pack_placements(words: Sequence[str], alpha: Alphabet) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``pack_words`` of the words as written and of their old tone placement (hòa for
    hoà; empty where it is the same word), for ``kernels.channel_costs``.  Markers such
    as ``<s>`` are no letters: empty in both."""
    written = ["" if w.startswith("<") else w for w in words]
    old = [restyle(w, "old") for w in written]
    woff, wchars = pack_words(written, alpha)
    aoff, achars = pack_words([a if a != w else "" for a, w in zip(old, written)], alpha)
    return woff, wchars, aoff, achars


class Channel:
    """Channel costs for one profile; ``cost(observed, intended)`` is -log P(o | c).

    The cost is a weighted edit distance per component (compiled, ``kernels``), mixed
    by the document's profile weights; an intended syllable is scored in both tone
    placements and the cheaper one counts.
    """

    def __init__(self, table: OcrTable, profile: Profile, alpha: Alphabet | None = None,
                 tables: CostTables | None = None):
        self.table = table
        self.profile = profile
        self.alpha = alpha or Alphabet(_ALL_LETTERS)
        self.tables = tables or build_cost_tables(table, self.alpha)
        self.logw = np.log(np.maximum([profile.clean, profile.strip, profile.ocr], 1e-9))

    def cost(self, o: str, c: str) -> float:
        return float(self.costs(o, [c])[0])

    def costs(self, o: str, words: Sequence[str]) -> "np.ndarray":
        from diacritic_restore.restore import kernels

        woff, wch, aoff, ach = pack_placements(words, self.alpha)
        out = np.zeros(len(words))
        t = self.tables
        kernels.channel_costs(self.alpha.encode(o), np.arange(len(words), dtype=np.int64), woff, wch, aoff, ach,
                              self.logw, t.keep, t.sub, t.delete, t.insert, out)
        return out


_ALL_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệ" \
    "ghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ" \
    "pqrstuùúủũụưừứửữựvxyỳýỷỹỵ" \
    "fjwzäëïöüåæçñøœß"
