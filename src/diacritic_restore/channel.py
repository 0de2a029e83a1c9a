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
import os
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from rapidfuzz.distance import Levenshtein

from .normalize import tokenize, WORD
from .syllable import skeleton, strip_marks

FORMAT = "vnrestore-channel"
VERSION = 1

_VIET_ONLY = set("ăđơưảạẻẹẽỉịĩỏọõủụũỷỵỹằắẳẵặầấẩẫậềếểễệồốổỗộờớởỡợừứửữựỳ")


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


def learn_ocr(line_pairs: Iterable[tuple[str, str]], ambigs: Sequence[tuple[str, str]] = ()) -> OcrTable:
    """Character confusion costs from aligned (truth, OCR) lines.

    ``ambigs`` are (intended, observed) pairs from Tesseract's unicharambigs: each adds
    a pseudo-count so confusions the sample did not show are still cheap-ish.
    """
    occ: Counter[str] = Counter()
    keep: Counter[str] = Counter()
    sub: Counter[tuple[str, str]] = Counter()
    dele: Counter[str] = Counter()
    ins: Counter[str] = Counter()
    n_words = 0
    for truth, ocr in line_pairs:
        for t, o in _pairs_from_lines(truth, ocr):
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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, sort_keys=True, indent=0)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


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


def estimate_profile(words: Iterable[str]) -> Profile:
    """Guess how a document was damaged from the marks its words carry.

    A Vietnamese text layer shows letters only Vietnamese uses (ơ, ư, đ, ạ, ả...);
    an English OCR shows only Latin-1 marks (é, ô, à); stripped text shows none.
    """
    n = viet = latin = 0
    for w in words:
        if not w.isalpha():
            continue
        n += 1
        low = w.lower()
        if any(c in _VIET_ONLY for c in low):
            viet += 1
        elif skeleton(low) != low:
            latin += 1
    if n == 0:
        return Profile(0.9, 0.05, 0.05)
    marked = (viet + latin) / n
    if marked < 0.03:
        return Profile(0.02, 0.96, 0.02)
    if viet >= latin:
        return Profile(0.93, 0.05, 0.02)
    return Profile(0.02, 0.18, 0.80)


# ------------------------------------------------------------------------ the model


class Channel:
    """Channel costs for one profile; ``cost(observed, intended)`` is -log P(o | c)."""

    def __init__(self, table: OcrTable, profile: Profile):
        self.table = table
        self.profile = profile
        self._logw = (
            math.log(max(profile.clean, 1e-9)),
            math.log(max(profile.strip, 1e-9)),
            math.log(max(profile.ocr, 1e-9)),
        )

    def component_costs(self, o: str, c: str) -> tuple[float, float, float]:
        """(clean, strip, ocr) costs of reading intended ``c`` as observed ``o``."""
        if o == c:
            tk = self.table.keep
            ocr = sum(tk.get(ch, self.table.default_keep) for ch in c)
            strip = 0.0 if skeleton(c) == c else 30.0
            return 0.01 * len(c), strip, ocr
        t = self.table
        clean = 0.0
        strip = 0.0
        ocr = 0.0
        changed = set()
        for op in Levenshtein.editops(c, o):
            if op.tag == "replace":
                a, b = c[op.src_pos], o[op.dest_pos]
                changed.add(op.src_pos)
                ocr += t.sub_cost(a, b)
                if base_char(a) == b:
                    clean += 6.0
                elif base_char(a) == base_char(b):
                    clean += 7.0
                    strip += 30.0
                else:
                    clean += 14.0
                    strip += 30.0
            elif op.tag == "delete":
                a = c[op.src_pos]
                changed.add(op.src_pos)
                ocr += t.delete.get(a, t.default_delete)
                clean += 14.0
                strip += 30.0
            else:
                ocr += t.insert.get(o[op.dest_pos], t.default_insert)
                clean += 14.0
                strip += 30.0
        for i, ch in enumerate(c):
            if i not in changed:
                ocr += t.keep.get(ch, t.default_keep)
                if base_char(ch) != ch:
                    strip += 30.0  # a stripped text keeps no marks
        return clean, strip, ocr

    def cost(self, o: str, c: str) -> float:
        a, b, d = self.component_costs(o, c)
        w0, w1, w2 = self._logw
        # log-sum-exp of the weighted components
        xs = (w0 - a, w1 - b, w2 - d)
        m = max(xs)
        return -(m + math.log(sum(math.exp(x - m) for x in xs)))
