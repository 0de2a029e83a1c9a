"""Training corpora: reading text collections and building the lexicon and LM from them.

A corpus argument is a ``.txt`` file, a folder of ``.txt`` files (recursive) or a
``.tar.xz``/``.tar.gz`` archive of them, optionally followed by ``:WEIGHT`` (an integer
count multiplier; in-domain text is small and is weighted up).
"""

from __future__ import annotations

import hashlib
import tarfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from diacritic_restore.models import store
from diacritic_restore.restore import lexicon as lexmod
from diacritic_restore.restore import lm as lmmod
from diacritic_restore.text.syllable import canonical
from diacritic_restore.text.tokens import segments_and_case


@dataclass(frozen=True)
class Source:
    path: Path
    weight: int = 1

    @classmethod
    def parse(cls, spec: str) -> "Source":
        path, sep, w = spec.rpartition(":")
        if sep and w.isdigit() and path:
            return cls(Path(path), int(w))
        return cls(Path(spec), 1)


def iter_texts(path: Path, exclude: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(name, text) of every text in a file, folder or tar archive, in sorted order."""
    if path.is_dir():
        for p in sorted(path.rglob("*.txt")):
            if str(p.resolve()) not in exclude:
                yield str(p), p.read_text(encoding="utf-8", errors="replace")
    elif path.name.endswith((".tar.xz", ".tar.gz", ".tar.bz2", ".tar")):
        with tarfile.open(path) as tar:
            members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
            for m in members:
                if not m.name.endswith(".txt"):
                    continue
                fh = tar.extractfile(m)
                if fh is not None:
                    yield m.name, fh.read().decode("utf-8", errors="replace")
    elif str(path.resolve()) not in exclude:
        yield str(path), path.read_text(encoding="utf-8", errors="replace")


def _segments_of(text: str) -> tuple[list[list[str]], dict[str, int], dict[str, int]]:
    segs, title, mid = segments_and_case(text)
    canon = [[canonical(w) if not w.startswith("<") else w for w in seg] for seg in segs]
    return canon, {canonical(k): v for k, v in title.items()}, {canonical(k): v for k, v in mid.items()}


def collect(
    sources: Iterable[Source], exclude: frozenset[str] = frozenset(), jobs: int = 2,
    case: tuple[Counter, Counter] | None = None,
) -> list[tuple[list[str], int]]:
    """All LM segments of all sources with their weights, in a deterministic order;
    weighted Title-case and mid-sentence counts go into ``case`` when given."""
    segments: list[tuple[list[str], int]] = []
    for src in sources:
        texts = [t for _, t in iter_texts(src.path, exclude)]
        if jobs > 1 and len(texts) > 8:
            with ProcessPoolExecutor(jobs) as ex:
                parts = list(ex.map(_segments_of, texts, chunksize=16))
        else:
            parts = [_segments_of(t) for t in texts]
        for segs, title, mid in parts:
            segments.extend((s, src.weight) for s in segs)
            if case is not None:
                for k, v in title.items():
                    case[0][k] += v * src.weight
                for k, v in mid.items():
                    case[1][k] += v * src.weight
    return segments


def train(
    sources: list[Source],
    out_dir: Path,
    order: int = 3,
    exclude: Iterable[Path] = (),
    extra_words: Iterable[str] = (),
    cutoffs: dict[int, int] | None = None,
    jobs: int = 2,
    log=print,
) -> tuple[lexmod.Lexicon, lmmod.NgramModel]:
    """Build ``lexicon.tsv`` and ``lm.npz`` in ``out_dir`` from the sources."""
    t0 = time.time()
    excl = frozenset(str(Path(p).resolve()) for p in exclude)
    case: tuple[Counter, Counter] = (Counter(), Counter())
    segments = collect(sources, excl, jobs, case)
    counts: Counter[str] = Counter()
    for seg, w in segments:
        for s in seg:
            counts[s] += w
    lex = lexmod.build(counts, extra_words, case=case)
    log(f"corpus: {len(segments)} segments, {sum(len(s) for s, _ in segments)} tokens, "
        f"lexicon {len(lex)} syllables ({time.time() - t0:.1f}s)")
    seq, seg, wts = lmmod.encode_segments(segments, lex.words, order)
    model = lmmod.train_ids(seq, seg, wts, lex.words, order, cutoffs)
    log(f"lm: order {order}, n-grams {model.meta['ngrams']} ({time.time() - t0:.1f}s)")
    h = hashlib.sha256("\n".join(lex.words).encode()).hexdigest()[:16]
    lex.meta.update({"sources": ", ".join(f"{s.path.name}:{s.weight}" for s in sources), "vocab_sha": h})
    out_dir.mkdir(parents=True, exist_ok=True)
    lexmod.save(lex, out_dir / store.LEXICON.name)
    lmmod.save(model, out_dir / store.LM.name, {"vocab_sha": h, "sources": lex.meta["sources"]})
    return lex, model
