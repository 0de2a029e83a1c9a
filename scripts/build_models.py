"""Build models/ from ../shared/data and corpora/ (run by `make models`).

Deterministic: sources are read in sorted order, counts are integer, arrays are sorted.
Texts listed in corpora/heldout.txt are excluded, so the bench can evaluate on them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from diacritic_restore import channel
from diacritic_restore.corpus import Source, train

ROOT = Path(__file__).resolve().parent.parent


def read_heldout(shared: Path) -> list[Path]:
    out = []
    for line in (ROOT / "corpora" / "heldout.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(shared / "data" / line)
    return out


def word_lists(shared: Path) -> list[str]:
    """Syllables of the Tesseract word list and pyvi's word list (both permissive)."""
    words: list[str] = []
    words += (shared / "data" / "tesseract-langdata-vie" / "vie.wordlist").read_text(encoding="utf-8").split()
    try:
        import pyvi  # the user's chosen segmenter ships an MIT word list

        p = Path(pyvi.__file__).parent / "models" / "words.txt"
        if p.exists():
            for line in p.read_text(encoding="utf-8").splitlines():
                words += line.replace("_", " ").split()
    except ImportError:
        pass
    gaz = ROOT / "corpora" / "gazetteer"
    for name in ("places.txt", "organisations.txt"):
        if (gaz / name).exists():
            words += (gaz / name).read_text(encoding="utf-8").split()
    return words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "models")
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--no-wiki", action="store_true", help="skip Wikipedia (quick builds)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    shared = args.shared
    if not (shared / "data").is_dir():
        print(f"error: {shared}/data not found (the shared data folder must sit beside the project)", file=sys.stderr)
        return 2
    t0 = time.time()
    data = shared / "data"
    gaz = ROOT / "corpora" / "gazetteer"
    sources = [
        Source(data / "party-docs" / "texts", 30),
        Source(data / "vlc-legal" / "corpus", 2),
    ]
    if gaz.is_dir():
        sources += [Source(gaz / "places.txt", 5), Source(gaz / "organisations.txt", 5)]
    if not args.no_wiki:
        sources.append(Source(data / "viwiki" / "viwiki.tar.xz", 1))
    args.out.mkdir(parents=True, exist_ok=True)
    train(sources, args.out, order=args.order, exclude=read_heldout(shared),
          extra_words=word_lists(shared), cutoffs={3: 2}, jobs=args.jobs)
    pairs = ROOT / "corpora" / "ocr-eng" / "train.tsv"
    rows = []
    if pairs.exists():
        lines = pairs.read_text(encoding="utf-8").splitlines()
        head = lines[0].split("\t")
        ti, oi = head.index("truth"), head.index("ocr")
        for line in lines[1:]:
            parts = line.split("\t")
            if len(parts) == len(head):
                rows.append((parts[ti], parts[oi]))
    ambigs = channel.read_unicharambigs(data / "tesseract-langdata-vie" / "vie.unicharambigs")
    table = channel.learn_ocr(rows, ambigs)
    channel.save(table, args.out / "channel.json")
    print(f"channel: {table.meta} from {len(rows)} line pairs; total {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
