"""Vietnamese syllable structure: marks, tone placement, validity and canonical keys.

A written syllable is onset + (medial) + nucleus + coda, with one of six tones written as
a mark on one vowel.  Two conventions place that mark in open ``oa``/``oe``/``uy``
syllables: the traditional one (``hòa``, ``khỏe``, ``thủy``; called ``old`` here) and the
phonological one adopted by the 1980s orthography rules (``hoà``, ``khoẻ``, ``thuỷ``;
``new``).  Comparisons go through :func:`canonical`, which fixes one placement, so
``uỷ`` and ``ủy`` are the same syllable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal, NamedTuple

from diacritic_restore.text.folding import skeleton, strip_marks  # noqa: F401  (re-exported)

ToneStyle = Literal["old", "new"]

# Combining tone marks, indexed by tone number (0 = ngang, no mark).
TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
TONE_NAMES = ("ngang", "huyền", "sắc", "hỏi", "ngã", "nặng")
_TONE_INDEX = {m: i for i, m in enumerate(TONE_MARKS) if m}
# Combining vowel marks (circumflex, breve, horn); with đ these make the letters.
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}

VOWELS = set("aăâeêioôơuưy")
ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)
CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
# Vowel groups (medial + nucleus + off-glide) that occur in Vietnamese, without tone.
NUCLEI = frozenset(
    """a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu iê oa oă oe oi ôi ơi oo ua
    uâ uê ui uô uơ uy ưa ưi ưu ươ yê oai oay oao oeo uây uôi uya uyê uyu ươi ươu iêu yêu
    uê uơi uao""".split()
)
_STOP_CODAS = ("c", "ch", "p", "t")
# Open nuclei whose tone position depends on the style: (old index, new index).
_STYLE_NUCLEI = {"oa": (0, 1), "oe": (0, 1), "uy": (0, 1)}

_SYL_RE = re.compile(
    "^(" + "|".join(o for o in ONSETS if o) + ")?([aăâeêioôơuưy]+)(ch|ng|nh|c|m|n|p|t)?$"
)


class Parts(NamedTuple):
    onset: str
    medial: str
    nucleus: str
    coda: str
    tone: int


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1 << 16)
def split_tone(syl: str) -> tuple[str, int]:
    """Return the syllable without its tone mark, and the tone number (0-5)."""
    out = []
    tone = 0
    for ch in unicodedata.normalize("NFD", syl):
        t = _TONE_INDEX.get(ch)
        if t is None:
            out.append(ch)
        else:
            tone = t
    return nfc("".join(out)), tone


def has_marks(word: str) -> bool:
    """True when the word carries any Vietnamese mark (tone, vowel mark or đ)."""
    return skeleton(word) != word.lower()


def _split_onset(low: str) -> tuple[str, str, str] | None:
    """Split a toneless lower-case syllable into onset, vowel group and coda."""
    m = _SYL_RE.match(low)
    if not m:
        return None
    onset, vowels, coda = m.group(1) or "", m.group(2), m.group(3) or ""
    # "gi" and "qu" keep their vowel letter in the onset only when more vowels follow.
    if onset == "g" and vowels.startswith("i") and len(vowels) > 1 and vowels[1] != "ê":
        onset, vowels = "gi", vowels[1:]
    if onset == "gi" and not vowels:
        onset, vowels = "g", "i"
    return onset, vowels, coda


@lru_cache(maxsize=1 << 16)
def parse(syl: str) -> Parts | None:
    """Parse a syllable (any case, any tone style); None when it is not Vietnamese."""
    base, tone = split_tone(syl.lower())
    split = _split_onset(base)
    if split is None:
        return None
    onset, vowels, coda = split
    if onset == "qu" and not vowels:
        return None
    medial = ""
    if len(vowels) > 1 and vowels[0] in "ou" and onset != "qu" and vowels not in (
        "ua", "uô", "uơ", "ui", "ưa", "uôi", "ou", "oi", "oo", "uâ" if onset == "" else "",
    ):
        medial, nucleus = vowels[0], vowels[1:]
    else:
        nucleus = vowels
    return Parts(onset, medial, nucleus, coda, tone)


@lru_cache(maxsize=1 << 16)
def is_valid(syl: str) -> bool:
    """True for a well-formed Vietnamese syllable (spelling rules and tone/coda fit)."""
    base, tone = split_tone(syl.lower())
    split = _split_onset(base)
    if split is None:
        return False
    onset, vowels, coda = split
    if onset == "qu":
        vowels = "u" + vowels
    if vowels not in NUCLEI:
        return False
    if coda in _STOP_CODAS and tone not in (0, 2, 5):
        return False
    if coda in _STOP_CODAS and tone == 0:
        return False
    if coda and vowels[-1] in "iyuo" and len(vowels) > 1 and vowels not in ("oo", "uy", "ươ", "iê", "yê", "uyê"):
        # glide-final groups (ai, ao, ...) take no coda, except those listed
        if vowels[-1] in "iyu" or vowels == "ao":
            return False
    # Spelling: k/gh/ngh before front vowels only, c/g/ng before the others.
    first = vowels[0] if onset != "qu" else vowels[1:2] or "u"
    if onset in ("k", "gh", "ngh") and first not in "eêiy":
        return False
    if onset in ("c", "ng") and first in "eêi" and onset != "qu":
        return False
    if onset == "g" and first in "eê":
        return False
    return True


def _tone_position(onset: str, vowels: str, coda: str, style: ToneStyle) -> int:
    """Index within ``vowels`` of the letter that carries the tone mark."""
    if len(vowels) == 1:
        return 0
    for i, ch in enumerate(vowels):
        if ch in "ơưêâăô":
            # in "ươ" the mark goes on ơ
            if ch == "ư" and i + 1 < len(vowels) and vowels[i + 1] == "ơ":
                return i + 1
            return i
    if coda:
        return len(vowels) - 1
    if vowels in _STYLE_NUCLEI:
        old, new = _STYLE_NUCLEI[vowels]
        return old if style == "old" else new
    if len(vowels) == 3:
        return 1
    return 0


@lru_cache(maxsize=1 << 16)
def apply_tone(base: str, tone: int, style: ToneStyle = "new") -> str:
    """Put tone ``tone`` on a toneless syllable ``base`` (case kept), in ``style``."""
    if tone == 0:
        return base
    low = base.lower()
    split = _split_onset(low)
    if split is None:
        # not a syllable: mark the last vowel, which is the least surprising choice
        idx = max((i for i, c in enumerate(low) if c in VOWELS), default=-1)
        if idx < 0:
            return base
    else:
        onset, vowels, coda = split
        idx = len(onset) + _tone_position(onset, vowels, coda, style)
    return nfc(base[: idx + 1] + TONE_MARKS[tone] + base[idx + 1 :])


@lru_cache(maxsize=1 << 17)
def restyle(syl: str, style: ToneStyle) -> str:
    """Move the tone mark to where ``style`` puts it (other letters untouched)."""
    base, tone = split_tone(syl)
    if tone == 0:
        return syl
    return apply_tone(base, tone, style)


@lru_cache(maxsize=1 << 17)
def canonical(word: str) -> str:
    """Comparison key: lower case, NFC, tone placed in the ``new`` style."""
    low = nfc(word.lower())
    return restyle(low, "new")


def style_of(syl: str) -> ToneStyle | None:
    """The placement style a syllable shows, or None if it does not tell."""
    base, tone = split_tone(syl.lower())
    if tone == 0:
        return None
    split = _split_onset(base)
    if split is None:
        return None
    onset, vowels, coda = split
    if coda or vowels not in _STYLE_NUCLEI:
        return None
    low = nfc(syl.lower())
    if low == apply_tone(base, tone, "old"):
        return "old"
    if low == apply_tone(base, tone, "new"):
        return "new"
    return None
