"""Build models/ from ../shared/data and corpora/ (run by `make models`).

Deterministic: sources are read in sorted order, counts are integer, arrays are sorted.
Texts listed in corpora/heldout.txt are excluded, so the bench can evaluate on them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from diacritic_restore.models import store
from diacritic_restore.restore import channel, lexicon, lm
from diacritic_restore.restore.restorer import Restorer
from diacritic_restore.train.corpus import Source, train

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


SELF_TRAIN = ("002", "003", "004")


def self_pairs(restorer: Restorer, texts: list[str], min_conf: float = 0.9) -> list[tuple[str, str]]:
    """(restored, observed) lower-case word pairs the decoder is confident about."""
    out = []
    for text in texts:
        toks, choices, _ = restorer.restore_tokens(text)
        for ch in choices:
            if ch is None or ch.confidence < min_conf or ch.output == ch.original:
                if ch is not None and ch.confidence >= min_conf:
                    out.append((ch.output.lower(), ch.original.lower()))
                continue
            if not ch.output.isalpha():
                continue
            out.append((ch.output.lower(), ch.original.lower()))
    return out


def confident_segments(restorer: Restorer, texts: list[str], min_conf: float = 0.9) -> list[str]:
    """Restored segments (between punctuation) whose every word the decoder is sure of."""
    from diacritic_restore.text.tokens import WORD, is_break

    out = []
    for text in texts:
        toks, choices, _ = restorer.restore_tokens(text)
        cur: list[str] = []
        ok = True
        for tok, ch in zip(toks, choices):
            if is_break(tok):
                if ok and len(cur) >= 3:
                    out.append(" ".join(cur))
                cur, ok = [], True
                continue
            if tok.kind != WORD:
                continue
            if ch is None or ch.confidence < min_conf or not ch.output.isalpha():
                ok = False
                continue
            cur.append(ch.output)
        if ok and len(cur) >= 3:
            out.append(" ".join(cur))
    return out


def phrase_lists(shared: Path, out: Path, with_pyvi: bool) -> Path:
    """Tesseract's ranked Vietnamese word bigrams (and pyvi's multi-syllable words) as
    two-word segments: evidence for syllable pairs the running text lacks
    (``phấn đấu`` is rare in laws and encyclopaedia text, common in Party documents)."""
    from diacritic_restore.text.syllable import is_valid

    segs: list[str] = []
    path = shared / "data" / "tesseract-langdata-vie" / "vie.word.bigrams"
    for line in path.read_text(encoding="utf-8").splitlines():
        ws = line.split()
        if len(ws) == 2 and all(is_valid(w) for w in ws):
            segs.append(line.lower())
    if with_pyvi:
        try:
            import pyvi

            p = Path(pyvi.__file__).parent / "models" / "words.txt"
            for line in p.read_text(encoding="utf-8").splitlines():
                ws = line.replace("_", " ").split()
                if len(ws) >= 2 and all(is_valid(w) for w in ws):
                    segs.append(" ".join(ws).lower())
        except ImportError:
            pass
    f = out / ".phrase-segments.txt"
    f.write_text("\n\n".join(segs) + "\n", encoding="utf-8")
    return f


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "diacritic_restore" / "models")
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--no-wiki", action="store_true", help="skip Wikipedia (quick builds)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--weights", default="30,2,1", help="count weights of party-docs, vlc-legal, viwiki")
    ap.add_argument("--cutoff3", type=int, default=2, help="drop trigrams seen fewer times")
    ap.add_argument("--gazetteer-weight", type=int, default=5, help="count weight of the place and organisation lists")
    ap.add_argument("--self-train", type=int, default=2, help="self-training rounds of the OCR channel")
    ap.add_argument("--self-train-lm", type=int, default=10,
                    help="weight of confidently restored seed sentences in a second LM pass (0: off)")
    ap.add_argument("--phrases", type=int, default=2,
                    help="add word-list phrases as segments: 0 none, 1 Tesseract bigrams, 2 also pyvi words")
    ap.add_argument("--channel-only", action="store_true", help="keep lexicon and LM, rebuild the channel")
    args = ap.parse_args()
    shared = args.shared
    if not (shared / "data").is_dir():
        print(f"error: {shared}/data not found (the shared data folder must sit beside the project)", file=sys.stderr)
        return 2
    t0 = time.time()
    data = shared / "data"
    gaz = ROOT / "corpora" / "gazetteer"
    w_party, w_legal, w_wiki = (int(x) for x in args.weights.split(","))
    sources = [
        Source(data / "party-docs" / "texts", w_party),
        Source(data / "vlc-legal" / "corpus", w_legal),
    ]
    if gaz.is_dir():
        sources += [Source(gaz / "places.txt", args.gazetteer_weight),
                    Source(gaz / "organisations.txt", args.gazetteer_weight)]
    if not args.no_wiki:
        sources.append(Source(data / "viwiki" / "viwiki.tar.xz", w_wiki))
    args.out.mkdir(parents=True, exist_ok=True)
    if args.phrases:
        sources.append(Source(phrase_lists(shared, args.out, args.phrases > 1), 1))
    if not args.channel_only:
        train(sources, args.out, order=args.order, exclude=read_heldout(shared),
              extra_words=word_lists(shared), cutoffs={3: args.cutoff3}, jobs=args.jobs)
    pairs = ROOT / "corpora" / "ocr-eng" / "train.tsv"
    rows = channel.read_pairs(pairs) if pairs.exists() else []
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
             if p.name[:3] in SELF_TRAIN]
    ambigs = channel.read_unicharambigs(data / "tesseract-langdata-vie" / "vie.unicharambigs")
    table = channel.learn_ocr(rows, ambigs)
    channel.save(table, args.out / "channel.json")
    print(f"channel: {table.meta} from {len(rows)} line pairs; {time.time() - t0:.1f}s")
    # Self-training on the user's own unlabelled OCR documents (never the benchmark's
    # 000/001): restore them, keep the confident word pairs, relearn the channel.  This
    # teaches the confusions real scans show and renders do not (Đ→P, ũ→ii, ư→w).
    def self_train_channel(rounds: int) -> channel.OcrTable:
        tbl = table
        for it in range(rounds):
            restorer = Restorer(lexicon.load(args.out / "lexicon.tsv"), lm.load(args.out / "lm.npz"), tbl)
            pairs = self_pairs(restorer, texts)
            tbl = channel.learn_ocr(rows, ambigs, word_pairs=pairs)
            tbl.meta["self_training_pairs"] = len(pairs)
            channel.save(tbl, args.out / "channel.json")
            print(f"channel self-training {it + 1}: {len(pairs)} confident word pairs; {time.time() - t0:.1f}s")
        return tbl

    table = self_train_channel(1)
    if args.self_train_lm and not args.channel_only:
        # Second pass of the LM with the confidently restored sentences of the user's
        # own OCR'd Party documents (002-004; never 000/001): the in-domain phrasing
        # (tổ chức đảng, thị uỷ, cấp uỷ viên) that the general corpora lack.
        restorer = Restorer(lexicon.load(args.out / "lexicon.tsv"), lm.load(args.out / "lm.npz"), table)
        seg_file = args.out / ".self-training-segments.txt"
        segs = confident_segments(restorer, texts)
        seg_file.write_text("\n\n".join(segs) + "\n", encoding="utf-8")
        print(f"lm self-training: {len(segs)} confident segments, {sum(len(x.split()) for x in segs)} syllables")
        try:
            train(sources + [Source(seg_file, args.self_train_lm)], args.out, order=args.order,
                  exclude=read_heldout(shared), extra_words=word_lists(shared),
                  cutoffs={3: args.cutoff3}, jobs=args.jobs)
        finally:
            seg_file.unlink(missing_ok=True)
    table = self_train_channel(args.self_train)
    (args.out / ".phrase-segments.txt").unlink(missing_ok=True)
    store.write_manifest(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
