#!/usr/bin/env python3
"""Make aligned (truth, English-model OCR) line pairs from rendered Vietnamese documents.

The user's documents were OCR'd by Tesseract with the *English* model, which strips or
mangles Vietnamese diacritics in systematic ways (`kết` -> `két`, `Đảng` -> `Pang`,
`của` -> `ciia`).  To learn that channel, and to have a held-out noisy benchmark, we
render known Vietnamese text to page images, OCR them the same way (`tesseract -l eng`)
and pair each rendered line with the OCR line that reads it.

Outputs (in --out):
  train.tsv, heldout.tsv          doc, page, font, degradation, truth, ocr
  heldout_truth.txt, heldout_ocr.txt   the held-out pairs, one pair per line index

Deterministic: sorted inputs, page parameters seeded from crc32(doc, page), single-threaded
Tesseract (OMP_THREAD_LIMIT=1), results written in page order whatever --jobs is.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFont
from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "corpora" / "ocr-eng"
DEFAULT_HELDOUT_LIST = REPO / "corpora" / "heldout.txt"

TRAIN_LAWS = [
    "vlc-legal/corpus/luat-cong-doan.txt",
    "vlc-legal/corpus/luat-an-ninh-quoc-gia.txt",
    "vlc-legal/corpus/luat-thue-xuat-khau-thue-nhap-khau.txt",
]
# Laws are long; a prefix of each is plenty of channel data and keeps the run in budget.
TRAIN_LAW_WORDS = 6000
HELDOUT_LAW_WORDS = 2500

FONT_DIR = Path("/usr/share/fonts/truetype")
# (name, path, weight): Vietnamese official documents are set in Times New Roman, for
# which Liberation Serif is the metric-compatible stand-in, so it dominates; the others
# add glyph-shape variety so the channel model does not overfit one typeface.
# Liberation must be 2.x (Debian fonts-liberation2): 1.07 (fonts-liberation) has no
# glyphs for ơ, ư or the stacked Vietnamese vowels and would render them as boxes.
FONTS = [
    ("LiberationSerif-Regular", FONT_DIR / "liberation2/LiberationSerif-Regular.ttf", 0.6),
    ("DejaVuSerif", FONT_DIR / "dejavu/DejaVuSerif.ttf", 0.2),
    ("LiberationSans-Regular", FONT_DIR / "liberation2/LiberationSans-Regular.ttf", 0.2),
]
FONT_PACKAGES = "fonts-liberation2 fonts-dejavu-core"
FONT_SIZES_PT = [13.0, 13.5, 14.0]
DEGRADE_SHARE = 0.4  # share of pages that get scan-like degradation

# A4 at 300 dpi with the margins of Decree 30/2020/ND-CP: one page geometry for the
# package's renders (tests, bench) and these channel-training pages
from diacritic_restore.train.render import DPI, INDENT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_TOP, PAGE_H, TEXT_W, draw  # noqa: E402

SIM_THRESHOLD = 60.0  # rapidfuzz ratio (0-100) on diacritic-free text; below = not a pair


# ---------------------------------------------------------------- sources

@dataclass(frozen=True)
class Source:
    split: str  # "train" or "heldout"
    doc: str  # path relative to the data dir, as in corpora/heldout.txt
    paragraphs: tuple[str, ...]


def read_heldout_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted(ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))


def clean_paragraphs(text: str) -> list[str]:
    """NFC, collapse whitespace, drop empty lines and pure rule lines ("-----").

    Rule lines are drawn as a graphic rule in real documents, not typed text, and
    their OCR is noise for a channel model over letters.
    """
    out = []
    for line in unicodedata.normalize("NFC", text).splitlines():
        line = " ".join(line.replace("\t", " ").split())
        if line and any(ch.isalnum() for ch in line):
            out.append(line)
    return out


def take_words(paragraphs: list[str], limit: int | None) -> list[str]:
    """Whole paragraphs until about `limit` words (the crossing paragraph is kept)."""
    if limit is None:
        return paragraphs
    out, n = [], 0
    for p in paragraphs:
        if n >= limit:
            break
        out.append(p)
        n += len(p.split())
    return out


def load_sources(data: Path, heldout_list: Path) -> list[Source]:
    heldout = read_heldout_list(heldout_list)
    train_docs = sorted(
        str(p.relative_to(data)) for p in (data / "party-docs" / "texts").glob("*.txt")
    ) + sorted(TRAIN_LAWS)
    overlap = set(train_docs) & set(heldout)
    if overlap:  # held-out texts must never feed the channel model
        sys.exit(f"train/heldout overlap: {sorted(overlap)}")
    sources = []
    for split, docs in (("train", train_docs), ("heldout", heldout)):
        for doc in docs:
            is_law = doc.startswith("vlc-legal/")
            limit = (TRAIN_LAW_WORDS if split == "train" else HELDOUT_LAW_WORDS) if is_law else None
            paras = take_words(clean_paragraphs((data / doc).read_text(encoding="utf-8")), limit)
            if paras:
                sources.append(Source(split, doc, tuple(paras)))
    return sources


# ---------------------------------------------------------------- fonts

def missing_glyphs(font_path: Path, chars: set[str]) -> str:
    """Characters the font would draw as .notdef (tofu), found by comparing bitmaps."""
    font = ImageFont.truetype(str(font_path), 40)

    def key(ch: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(ch)
        return mask.size, bytes(mask)

    notdef = key("\U0010FFFD")  # a private-use code point no font maps
    return "".join(sorted(ch for ch in chars if key(ch) == notdef))


def check_fonts(sources: list[Source]) -> None:
    """Fail early: OCR of tofu boxes would teach the channel model nonsense."""
    chars = {ch for s in sources for p in s.paragraphs for ch in p if not ch.isspace()}
    for name, path, _ in FONTS:
        if not path.exists():
            sys.exit(f"font {path} missing: apt-get install -y {FONT_PACKAGES}")
        missing = missing_glyphs(path, chars)
        if missing:
            sys.exit(f"font {name} ({path}) lacks glyphs {missing!r}: apt-get install -y {FONT_PACKAGES}")


# ---------------------------------------------------------------- layout

@dataclass(frozen=True)
class Line:
    text: str
    x: int
    y: int
    justify: bool  # stretch word gaps to the full text width, like a justified paragraph


@dataclass(frozen=True)
class Page:
    split: str
    doc: str
    page: int
    font_name: str
    font_path: str
    size_pt: float
    degradation: dict[str, float]  # empty = clean render
    lines: tuple[Line, ...]

    @property
    def font_label(self) -> str:
        return f"{self.font_name} {self.size_pt:g}pt"

    @property
    def degradation_label(self) -> str:
        d = self.degradation
        if not d:
            return "none"
        return f"blur{d['blur']:.2f}+noise{d['noise']:.1f}+jpeg{int(d['jpeg'])}"


def page_rng(doc: str, page: int) -> random.Random:
    # crc32, not hash(): Python's str hash is salted per process.
    return random.Random(zlib.crc32(f"{doc}#{page}".encode()))


def choose_style(rng: random.Random) -> tuple[str, Path, float, dict[str, float]]:
    name, path, _ = rng.choices(FONTS, weights=[w for *_, w in FONTS])[0]
    size = rng.choice(FONT_SIZES_PT)
    degradation: dict[str, float] = {}
    if rng.random() < DEGRADE_SHARE:
        degradation = {
            "blur": round(rng.uniform(0.5, 1.1), 2),
            "noise": round(rng.uniform(3.0, 10.0), 1),
            "jpeg": float(rng.randint(35, 75)),
            "seed": float(rng.randrange(2**31)),
        }
    return name, path, size, degradation


def split_long_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Hard-break a token wider than the text block (long URLs, rule-like runs)."""
    parts, cur = [], ""
    for ch in word:
        if cur and font.getlength(cur + ch) > width:
            parts.append(cur)
            cur = ""
        cur += ch
    return parts + [cur] if cur else parts


def wrap_paragraph(text: str, font: ImageFont.FreeTypeFont) -> list[tuple[str, bool]]:
    """Greedy word wrap; returns (line, is_first_line_of_paragraph)."""
    words: list[str] = []
    for w in text.split():
        words += split_long_word(w, font, TEXT_W - INDENT) if font.getlength(w) > TEXT_W - INDENT else [w]
    lines: list[tuple[str, bool]] = []
    cur: list[str] = []
    for w in words:
        avail = TEXT_W - (INDENT if not lines else 0)
        if cur and font.getlength(" ".join(cur + [w])) > avail:
            lines.append((" ".join(cur), not lines))
            cur = []
        cur.append(w)
    if cur:
        lines.append((" ".join(cur), not lines))
    return lines


def is_heading(text: str) -> bool:
    # Short all-caps lines (LUẬT, CHỈ THỊ, CHƯƠNG I ...) are centred in official documents.
    letters = [c for c in text if c.isalpha()]
    return len(text) <= 80 and len(letters) >= 2 and all(c.isupper() for c in letters)


def px(pt: float) -> int:
    return round(pt * DPI / 72)


def paginate(src: Source) -> list[Page]:
    """Lay a document's paragraphs onto pages; each page draws its own font/size/noise."""
    pages: list[Page] = []
    queue: list[str] = list(src.paragraphs)  # paragraphs (or their unplaced remainders)
    continued = False  # the queue head is the rest of a paragraph split across pages
    while queue:
        pno = len(pages) + 1
        rng = page_rng(src.doc, pno)
        name, path, size_pt, degradation = choose_style(rng)
        font = ImageFont.truetype(str(path), px(size_pt))
        line_h = round(px(size_pt) * rng.choice([1.2, 1.25, 1.3]))
        para_gap = px(6)  # 6 pt before each paragraph
        y, lines = MARGIN_TOP, []
        while queue:
            para = queue[0]
            heading = is_heading(para)
            wrapped = wrap_paragraph(para, font)
            gap = para_gap if lines and not continued else 0
            room = (PAGE_H - MARGIN_BOTTOM - y - gap) // line_h
            if room <= 0:
                break
            y += gap
            for i, (text, first) in enumerate(wrapped[:room]):
                last = i == len(wrapped) - 1
                if heading:
                    x = MARGIN_LEFT + round((TEXT_W - font.getlength(text)) / 2)
                else:
                    x = MARGIN_LEFT + (INDENT if first and not continued else 0)
                lines.append(Line(text, x, y, justify=not heading and not last))
                y += line_h
            if room < len(wrapped):  # page full mid-paragraph: carry the rest over
                queue[0] = " ".join(t for t, _ in wrapped[room:])
                continued = True
                break
            queue.pop(0)
            continued = False
        pages.append(Page(src.split, src.doc, pno, name, str(path), size_pt, degradation, tuple(lines)))
    return pages


# ---------------------------------------------------------------- rendering

def render(page: Page) -> np.ndarray:
    return draw(page.lines, ImageFont.truetype(page.font_path, px(page.size_pt)))


def degrade(arr: np.ndarray, d: dict[str, float]) -> np.ndarray:
    """Mild scan look: toner/paper contrast, blur, sensor noise, JPEG artefacts."""
    rng = np.random.default_rng(int(d["seed"]))
    out = arr.astype(np.float32) * (225 - 35) / 255 + 35  # grey-ish ink, off-white paper
    out = cv2.GaussianBlur(out, (0, 0), d["blur"])
    out += rng.normal(0.0, d["noise"], out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(d["jpeg"])])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)


# ---------------------------------------------------------------- OCR and alignment

def tesseract(png: Path, psm: int) -> list[str]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # unset, it was 4-5x slower here
    res = subprocess.run(
        ["tesseract", str(png), "stdout", "-l", "eng", "--psm", str(psm), "--dpi", str(DPI)],
        env=env, capture_output=True, text=True, check=True,
    )
    return [" ".join(ln.split()) for ln in res.stdout.splitlines() if ln.strip()]


def fold(text: str) -> str:
    """Diacritic-free lowercase key: English OCR loses the marks, so compare without them."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def align(truth: list[str], ocr: list[str]) -> list[tuple[int, int]]:
    """Monotone alignment maximising total similarity; pairs below SIM_THRESHOLD are not allowed.

    Lines usually correspond 1:1, but Tesseract sometimes drops, splits or merges a line;
    keeping order (a DP rather than independent best matches) stops a short repeated line
    ("Điều 5.") from pairing with the wrong occurrence.
    """
    ft, fo = [fold(t) for t in truth], [fold(o) for o in ocr]
    n, m = len(ft), len(fo)
    sim = [[fuzz.ratio(a, b) for b in fo] for a in ft]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            cand = max(best[i + 1][j], best[i][j + 1])
            if sim[i][j] >= SIM_THRESHOLD:
                cand = max(cand, sim[i][j] + best[i + 1][j + 1])
            best[i][j] = cand
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if sim[i][j] >= SIM_THRESHOLD and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def ocr_page(page: Page) -> tuple[Page, list[tuple[str, str]], int]:
    """Render, OCR with psm 4 (psm 6 too unless psm 4 was already a perfect 1:1)."""
    arr = render(page)
    if page.degradation:
        arr = degrade(arr, page.degradation)
    truth = [ln.text for ln in page.lines]
    with tempfile.TemporaryDirectory(prefix="ocrpairs-") as tmp:
        png = Path(tmp) / "page.png"
        Image.fromarray(arr).save(png, dpi=(DPI, DPI))
        best_psm, best_pairs, best_ocr = 0, [], []
        for psm in (4, 6):
            ocr = tesseract(png, psm)
            pairs = align(truth, ocr)
            if len(pairs) > len(best_pairs) or not best_psm:
                best_psm, best_pairs, best_ocr = psm, pairs, ocr
            # Perfect 1:1 already: psm 6 cannot beat it, so save the second OCR pass.
            if len(pairs) == len(truth) == len(ocr):
                break
    return page, [(truth[i], best_ocr[j]) for i, j in best_pairs], best_psm


# ---------------------------------------------------------------- output

def tsv_field(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_outputs(out: Path, results: list[tuple[Page, list[tuple[str, str]], int]]) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    header = "\t".join(["doc", "page", "font", "degradation", "truth", "ocr"]) + "\n"
    rows: dict[str, list[str]] = {"train": [], "heldout": []}
    held_truth, held_ocr = [], []
    for page, pairs, _ in results:
        for truth, ocr in pairs:
            cols = [page.doc, str(page.page), page.font_label, page.degradation_label, truth, ocr]
            rows[page.split].append("\t".join(tsv_field(c) for c in cols) + "\n")
            if page.split == "heldout":
                held_truth.append(tsv_field(truth) + "\n")
                held_ocr.append(tsv_field(ocr) + "\n")
    for split, lines in rows.items():
        (out / f"{split}.tsv").write_text(header + "".join(lines), encoding="utf-8")
    (out / "heldout_truth.txt").write_text("".join(held_truth), encoding="utf-8")
    (out / "heldout_ocr.txt").write_text("".join(held_ocr), encoding="utf-8")
    return {k: len(v) for k, v in rows.items()}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--jobs", type=int, default=1, help="parallel tesseract processes")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data directory")
    ap.add_argument("--heldout-list", type=Path, default=DEFAULT_HELDOUT_LIST)
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    t0 = time.monotonic()
    sources = load_sources(args.data, args.heldout_list)
    check_fonts(sources)
    pages = [p for s in sources for p in paginate(s)]
    n_lines = sum(len(p.lines) for p in pages)
    print(f"{len(sources)} docs, {len(pages)} pages, {n_lines} rendered lines", file=sys.stderr)
    results = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        # map() yields in submission order, so output order does not depend on --jobs.
        for k, (page, pairs, psm) in enumerate(pool.map(ocr_page, pages), 1):
            results.append((page, pairs, psm))
            print(
                f"[{k}/{len(pages)}] {page.doc} p{page.page} {page.font_label} "
                f"{page.degradation_label} psm{psm}: {len(pairs)}/{len(page.lines)} lines paired "
                f"({time.monotonic() - t0:.0f}s)",
                file=sys.stderr,
            )
    counts = write_outputs(args.out, results)
    kept = sum(len(p) for _, p, _ in results)
    print(
        f"done: train {counts['train']} rows, heldout {counts['heldout']} rows; "
        f"{kept}/{n_lines} lines paired; {time.monotonic() - t0:.0f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
