"""The whole path for one document: pages in (image, PDF or text) → OCR where needed
(pages in parallel worker processes) → restore → NFC UTF-8 text out.

Workers are pure: (path, page index, options) → :class:`~.ocr.PageText`.  Progress and
all writing happen in the main process; the restore model is loaded once there.
"""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from diacritic_restore.errors import InputError
from diacritic_restore.metadata import Metadata, PageInfo, document_metadata
from diacritic_restore.ocr.tesseract import OcrOptions, PageText, check_tesseract, ocr_page
from diacritic_restore.ocr.pages import kind_of, page_count

# word confidence (0-1) below which the restore engine may look further than the word
DOUBT_BELOW = 0.90


class RunOptions(BaseModel):
    """Options of ``vnrestore run`` and of the Python API (:func:`process`,
    :func:`~.batch.run_batch`); loadable from a TOML file (:meth:`from_file`)."""

    model_config = ConfigDict(extra="forbid")

    ocr: OcrOptions = Field(default_factory=OcrOptions)
    restore: bool = Field(True, description="restore the text; False gives the raw OCR / text layer")
    tone_style: Literal["keep", "old", "new"] = "keep"
    jobs: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, description="parallel worker processes")
    model_dir: str | None = None
    doubt_below: float = Field(DOUBT_BELOW, ge=0, le=1,
                               description="OCR words less confident than this get more freedom in the restore")


def load_options(path: str | os.PathLike, overrides: dict | None = None) -> RunOptions:
    """Settings from a TOML file (top-level keys of :class:`RunOptions`, tables
    ``[ocr]`` and ``[ocr.preprocess]``), then ``overrides`` (nested dicts) on top."""
    from diacritic_restore.errors import ConfigError

    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from None
    return options_from(data, overrides, str(p))


def options_from(data: dict, overrides: dict | None = None, where: str = "settings") -> RunOptions:
    from diacritic_restore.errors import ConfigError

    merged = _merge(data, overrides or {})
    try:
        return RunOptions.model_validate(merged)
    except ValidationError as exc:
        e = exc.errors()[0]
        loc = ".".join(str(x) for x in e["loc"])
        raise ConfigError(f"{where}: {loc}: {e['msg']}") from None


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class DocumentResult(BaseModel):
    source_file: str
    sha256: str
    kind: str = Field(description="image, pdf or text")
    pages: list[PageInfo]
    text: str = Field(description="the output text; pages separated by form feeds")
    restored: bool
    mean_confidence: float | None = Field(None, description="mean OCR word confidence, or restore confidence (0-1)")
    metadata: Metadata
    seconds: float


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _worker_init() -> None:
    # one Tesseract thread per worker: unset it was 4-5x slower on a 2-core machine
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def read_pages(
    path: Path, opts: OcrOptions, jobs: int = 1,
    on_page: Callable[[PageText], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[PageText]:
    """Every page of an image or PDF file as text (OCR or text layer), in page order.

    ``meanwhile`` runs in a thread of this process while the pages are read (the
    restore model loads while Tesseract works); it starts after the workers exist, so
    they are never forked mid-load.
    """
    n = page_count(path)
    if n == 0:
        raise InputError(f"{path}: has no pages")
    out: list[PageText] = []
    with ThreadPoolExecutor(max_workers=1) as side:
        if jobs <= 1 or n == 1:
            _worker_init()
            pending = side.submit(meanwhile) if meanwhile else None
            for i in range(n):
                out.append(ocr_page(path, i, opts))
                if on_page:
                    on_page(out[-1])
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, n), initializer=_worker_init) as pool:
                futures = [pool.submit(ocr_page, str(path), i, opts) for i in range(n)]
                pending = side.submit(meanwhile) if meanwhile else None
                for f in futures:
                    out.append(f.result())
                    if on_page:
                        on_page(out[-1])
        if pending is not None:
            pending.result()  # its errors (a missing model) surface here
    return out


def _name_fixer(opts: RunOptions) -> Callable[[str], str | None]:
    def fix(word: str) -> str | None:
        from diacritic_restore.restore import loader as modelmod

        return modelmod.load(opts.model_dir).best_syllable(word)

    return fix


def _model_loader(opts: RunOptions) -> Callable[[], object]:
    from diacritic_restore.restore import loader as modelmod

    return lambda: modelmod.load(opts.model_dir)


def restore_page(page: PageText, opts: RunOptions) -> str:
    """Restore one page's text; OCR words Tesseract doubted may change more freely."""
    from diacritic_restore.restore import loader as modelmod

    r = modelmod.load(opts.model_dir)
    doubt = [s for s, _, c in page.word_spans if c < opts.doubt_below] if page.source == "ocr" else None
    return r.restore(page.text, opts.tone_style, doubt=doubt)


def read_text_unit(path: Path, opts: RunOptions) -> PageText:
    """A text document, decoded and (unless ``opts.restore`` is off) restored."""
    from diacritic_restore.text.decoding import decode_bytes_detailed, read_bytes

    t0 = time.perf_counter()
    text = decode_bytes_detailed(read_bytes(path), str(path))[0]
    pg = PageText(index=0, source="text", text=text)
    if opts.restore:
        from diacritic_restore.api import restore_detailed

        res = restore_detailed(text, tone_style=opts.tone_style, model_dir=opts.model_dir)
        pg.text, pg.restored, pg.restore_confidence = res.text, True, res.mean_confidence
    pg.seconds = round(time.perf_counter() - t0, 3)
    return pg


def read_page_unit(path: Path, index: int, opts: RunOptions) -> PageText:
    """One page of a scan or PDF, read and (unless ``opts.restore`` is off) restored."""
    pg = ocr_page(path, index, opts.ocr)
    if opts.restore:
        t0 = time.perf_counter()
        pg.text, pg.restored = restore_page(pg, opts), True
        pg.seconds = round(pg.seconds + time.perf_counter() - t0, 3)
    return pg


def check_input(p: Path) -> str:
    """The kind of a readable input file, or a one-line error."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory")
    kind = kind_of(p)
    if kind != "text" and p.stat().st_size == 0:
        raise InputError(f"{p}: empty file")
    return kind


def assemble(path: Path, kind: str, pages: list[PageText], opts: RunOptions, seconds: float) -> DocumentResult:
    """The document from its pages, in order: text (pages split by form feeds) and metadata."""
    texts = [pg.text for pg in pages]
    confs = [c for pg in pages for _, _, c in pg.word_spans]
    infos = [
        PageInfo(index=pg.index, source=pg.source, mean_confidence=pg.mean_confidence, psm=pg.psm,
                 coverage=pg.coverage, retried=pg.retried,
                 skew_degrees=pg.preprocess.skew_degrees if pg.preprocess else None,
                 dpi=pg.preprocess.dpi_in if pg.preprocess else None)
        for pg in pages
    ]
    text = "\f".join(texts)
    sha = file_sha256(path)
    rc = [pg.restore_confidence for pg in pages if pg.restore_confidence is not None]
    mean = round(sum(confs) / len(confs), 4) if confs else (round(sum(rc) / len(rc), 4) if rc else None)
    fix = _name_fixer(opts)  # metadata is mended even when the text is kept as read
    md = document_metadata(text, source_file=str(path), sha256=sha, pages=infos, mean_confidence=mean, fix_word=fix)
    return DocumentResult(source_file=str(path), sha256=sha, kind=kind, pages=infos, text=text,
                          restored=opts.restore, mean_confidence=mean, metadata=md, seconds=round(seconds, 3))


def process(path: str | os.PathLike, opts: RunOptions | None = None,
            on_page: Callable[[PageText], None] | None = None) -> DocumentResult:
    """Read (OCR where needed) and restore one file; nothing is written."""
    opts = opts or RunOptions()
    p = Path(path)
    t0 = time.perf_counter()
    kind = check_input(p)
    if kind == "text":
        pages = [read_text_unit(p, opts)]
    else:
        if kind == "image":
            check_tesseract(opts.ocr.lang)  # before any work; a PDF may need no OCR
        restored: dict[int, str] = {}

        def arrived(pg: PageText) -> None:
            # restore each page as it comes: the main process works while the last
            # pages are still in Tesseract, instead of after all of them
            if opts.restore:
                restored[pg.index] = restore_page(pg, opts)
            if on_page:
                on_page(pg)

        pages = read_pages(p, opts.ocr, opts.jobs, arrived, meanwhile=_model_loader(opts) if opts.restore else None)
        for pg in pages:
            if pg.index in restored:
                pg.text, pg.restored = restored[pg.index], True
    return assemble(p, kind, pages, opts, time.perf_counter() - t0)


def output_path(src: Path, out_dir: Path) -> Path:
    return out_dir / (src.stem + ".txt")


def run(path: str | os.PathLike, out_dir: str | os.PathLike, opts: RunOptions | None = None,
        on_page: Callable[[PageText], None] | None = None) -> tuple[DocumentResult, Path]:
    """Process ``path`` and write ``OUT_DIR/NAME.txt`` and ``NAME.json`` (the document's
    metadata, with each page's source and confidence and the input's sha256) atomically."""
    from diacritic_restore.errors import OutputError
    from diacritic_restore.fileio import write_text_atomic

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    res = process(path, opts, on_page)
    dest = output_path(Path(path), out)
    for d in (dest, dest.with_suffix(".json")):
        if d.resolve() == Path(path).resolve():
            raise InputError(f"{d}: refusing to overwrite the input file")
    write_text_atomic(dest, res.text)
    write_text_atomic(dest.with_suffix(".json"), res.metadata.model_dump_json(indent=1) + "\n")
    return res, dest
