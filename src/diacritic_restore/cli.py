"""The ``vnrestore`` command: a thin layer that parses options and calls the library.

Every failure the user can act on is a :class:`~diacritic_restore.errors.VnrestoreError`
carrying its exit code; :func:`main` is the one place that turns them into a one-line
message and that code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from diacritic_restore.errors import ExitCode, InputError, QualityGateError, VnrestoreError, error_for, exit_code_epilog
from diacritic_restore.pipeline.outputs import WRITERS
from diacritic_restore.version import __version__


def _read_bytes(src: str) -> bytes:
    """A file's bytes, or standard input's up to one byte past the size cap (the
    decoder then refuses it: a runaway pipe never fills the memory)."""
    from diacritic_restore.text.decoding import MAX_TEXT_BYTES, read_bytes

    return sys.stdin.buffer.read(MAX_TEXT_BYTES + 1) if src == "-" else read_bytes(src)


def _read_input(src: str) -> str:
    from diacritic_restore.text.decoding import decode_bytes_detailed

    return decode_bytes_detailed(_read_bytes(src), "stdin" if src == "-" else src)[0]


def _write_output(text: str, out: str | None) -> None:
    from diacritic_restore.fileio import write_text_atomic

    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(out, text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=exit_code_epilog())
@click.version_option(__version__, prog_name="vnrestore")
def cli() -> None:
    """Restore Vietnamese diacritics and repair OCR damage in Party and state documents."""


@cli.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("-o", "--output", "out", default=None, help="Write here (atomically) instead of stdout.")
@click.option("--tone-style", type=click.Choice(["keep", "old", "new"]), default="keep", show_default=True,
              help="Tone placement of restored words: keep the document's, old (hòa, thủy) or new (hoà, thuỷ).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Model folder (default: the project's models/ or $VNRESTORE_MODELS).")
@click.option("--details", is_flag=True, help="Print JSON with every word's choice, alternatives and confidence.")
def restore(source: str, out: str | None, tone_style: str, model_dir: str | None, details: bool) -> None:
    """Restore FILE (or standard input) and print or write the clean NFC text."""
    from diacritic_restore.api import restore as do_restore
    from diacritic_restore.api import restore_detailed

    text = _read_input(source)
    if out is not None and source != "-" and Path(out).resolve() == Path(source).resolve():
        raise InputError(f"{out}: refusing to overwrite the input file")
    if details:
        res = restore_detailed(text, tone_style=tone_style, model_dir=model_dir)  # type: ignore[arg-type]
        _write_output(res.model_dump_json(indent=1) + "\n", out)
    else:
        _write_output(do_restore(text, tone_style=tone_style, model_dir=model_dir), out)  # type: ignore[arg-type]


@cli.command(name="normalize")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("-o", "--output", "out", default=None, help="Write here (atomically) instead of stdout.")
@click.option("--encoding", default=None,
              help="Input encoding instead of detecting it: utf-8, utf-16, cp1258, tcvn3, vni, viqr.")
@click.option("--tone-style", type=click.Choice(["keep", "old", "new"]), default="keep", show_default=True,
              help="Tone placement: keep, old (hòa, thủy) or new (hoà, thuỷ).")
@click.option("--report", is_flag=True, help="Print encoding (with its margin over UTF-8), repairs, tone style "
              "and the lines not in Vietnamese as JSON on stderr.")
def normalize_cmd(source: str, out: str | None, encoding: str | None, tone_style: str, report: bool) -> None:
    """Read any Vietnamese encoding, repair text-layer damage, write NFC UTF-8."""
    from diacritic_restore.api import normalize

    data = _read_bytes(source)
    if out is not None and source != "-" and Path(out).resolve() == Path(source).resolve():
        raise InputError(f"{out}: refusing to overwrite the input file")
    res = normalize(data, encoding=encoding, tone_style=tone_style,  # type: ignore[arg-type]
                    name="stdin" if source == "-" else source)
    _write_output(res.text, out)
    if report:
        click.echo(res.model_dump_json(exclude={"text"}), err=True)


# CLI option → place in RunOptions (given on the command line, it overrides --config)
_RUN_OPTION_PATHS = {
    "lang": ("ocr", "lang"), "psm": ("ocr", "psm"), "timeout": ("ocr", "timeout"), "pdf_dpi": ("ocr", "pdf_dpi"),
    "no_text_layer": ("ocr", "use_text_layer"), "no_columns": ("ocr", "columns"),
    "no_deskew": ("ocr", "preprocess", "deskew"), "no_denoise": ("ocr", "preprocess", "denoise"),
    "no_dpi_normalize": ("ocr", "preprocess", "normalize_dpi"),
    "no_border_removal": ("ocr", "preprocess", "remove_borders"), "binarize": ("ocr", "preprocess", "binarize"),
    "no_restore": ("restore",), "tone_style": ("tone_style",), "jobs": ("jobs",), "model_dir": ("model_dir",),
    "outputs": ("outputs",), "unit_timeout": ("unit_timeout",), "memory_mb": ("memory_mb",),
    "no_rotate": ("ocr", "rotate"),
}


@cli.command(name="run")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write into (created if missing); the input tree is mirrored there.")
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
              help="TOML file with settings (keys of RunOptions; [ocr], [ocr.preprocess]); options given here win.")
@click.option("--force", is_flag=True, help="Redo every input, even those the ledger records as done.")
@click.option("--follow-links", is_flag=True,
              help="Follow links in input folders that lead outside them (FIFOs and devices are never read).")
@click.option("--retry-failed", is_flag=True,
              help="Try again the inputs that failed before (a rerun otherwise reports them without retrying).")
@click.option("--no-restore", is_flag=True, help="Write the raw OCR (or text layer) for comparison.")
@click.option("--lang", default="vie", show_default=True, help="Tesseract language(s), e.g. vie+eng.")
@click.option("--psm", type=click.IntRange(0, 13), default=3, show_default=True,
              help="Tesseract page segmentation mode.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Parallel worker processes (documents and pages) [default: number of cores].")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=180.0, show_default=True,
              help="Seconds one Tesseract run on a page may take.")
@click.option("--unit-timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds one page (or text) may take in all, reading to restoring [default: 600].")
@click.option("--memory-mb", type=click.IntRange(min=256), default=None,
              help="Memory ceiling of each worker process in MB [default: 4096].")
@click.option("--dpi", "pdf_dpi", type=click.IntRange(72, 1200), default=300, show_default=True,
              help="Resolution scanned PDF pages are rasterised at.")
@click.option("--no-text-layer", is_flag=True, help="OCR PDF pages even when they carry a usable text layer.")
@click.option("--no-columns", is_flag=True, help="Keep Tesseract's line order (no two-column header reading).")
@click.option("--no-deskew", is_flag=True, help="Preprocessing: do not straighten tilted pages.")
@click.option("--no-denoise", is_flag=True, help="Preprocessing: no median filter.")
@click.option("--no-dpi-normalize", is_flag=True, help="Preprocessing: do not upscale low-resolution pages.")
@click.option("--no-border-removal", is_flag=True, help="Preprocessing: keep dark scanner borders.")
@click.option("--binarize", is_flag=True, help="Preprocessing: Otsu binarisation before Tesseract.")
@click.option("--tone-style", type=click.Choice(["keep", "old", "new"]), default="keep", show_default=True)
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None, help="Model folder.")
@click.option("--output-type", "outputs", multiple=True, type=click.Choice(list(WRITERS)),
              help="What to write per document (repeat for several) [default: txt and json].")
@click.option("--quiet", "-q", is_flag=True, help="No progress line and no summary on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="A line per document on stderr (done, skipped, needs review).")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Append every message, with its time, to this file (native libraries' too).")
@click.option("--fail-on-review", is_flag=True,
              help="Exit 12 when every input was written but some need review (listed in report.json).")
@click.option("--no-rotate", is_flag=True, help="Do not detect and turn pages scanned sideways or upside down.")
@click.pass_context
def run_cmd(ctx: click.Context, inputs: tuple[str, ...], out_dir: str, config: str | None, force: bool,
            retry_failed: bool, follow_links: bool, quiet: bool, verbose: bool, log_file: str | None,
            fail_on_review: bool, **options) -> None:
    """OCR (images, PDFs) or read (text) every INPUT (files, folders, globs), restore
    it, and write OUTDIR/…/NAME.txt, NAME.json and OUTDIR/report.json.

    A rerun of the same command only does what is not finished yet (the ledger in
    OUTDIR); changed inputs or settings are redone.
    """
    from click.core import ParameterSource

    from diacritic_restore.pipeline.batch import run_batch, summary
    from diacritic_restore.pipeline.logs import setup_logging
    from diacritic_restore.pipeline.options import load_options, options_from

    overrides: dict = {}
    for name, value in options.items():
        if ctx.get_parameter_source(name) != ParameterSource.COMMANDLINE and config is not None:
            continue  # the config file's value (or the default) stands
        if value is None or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        path = _RUN_OPTION_PATHS[name]
        if name.startswith("no_"):
            value = not value
        d = overrides
        for key in path[:-1]:
            d = d.setdefault(key, {})
        d[path[-1]] = value
    opts = load_options(config, overrides) if config else options_from({}, overrides)
    setup_logging(verbose=verbose, log_file=Path(log_file) if log_file else None, quiet=quiet)
    rep = run_batch(list(inputs), out_dir, opts, force=force, quiet=quiet, retry_failed=retry_failed,
                    follow_links=follow_links, fail_on_review=fail_on_review)
    if rep.files == 1 and rep.failed == 1:
        # one file: its own error and exit code, as for any single command
        only = next(r for r in rep.details if r.status == "failed")
        raise error_for(f"{only.input}: {only.reason}", only.exit_code or ExitCode.OTHER_ERROR)
    if not quiet:
        click.echo(summary(rep), err=True)
    if rep.exit_code:
        raise SystemExit(rep.exit_code)


@cli.command(name="metadata")
@click.argument("source", metavar="FILE")
@click.option("--no-restore", is_flag=True, help="Extract from the text as it is (it is already restored).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, help="Pages OCR'd in parallel (scans).")
@click.option("--lang", default="vie", show_default=True, help="Tesseract language(s) for scans.")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None, help="Model folder.")
def metadata_cmd(source: str, no_restore: bool, jobs: int | None, lang: str, model_dir: str | None) -> None:
    """Print FILE's metadata (number, type, issuer, date, signer, recipients, cited
    documents...) as JSON; FILE may be text, an image or a PDF."""
    from diacritic_restore.ocr.options import OcrOptions
    from diacritic_restore.pipeline.document import process
    from diacritic_restore.pipeline.options import RunOptions

    opts = RunOptions(restore=not no_restore, model_dir=model_dir, ocr=OcrOptions(lang=lang),
                      **({"jobs": jobs} if jobs else {}))
    click.echo(process(source, opts).metadata.model_dump_json(indent=1))


@cli.command(name="schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the metadata JSON (also docs/metadata.schema.json)."""
    import json

    from diacritic_restore.metadata import schema

    click.echo(json.dumps(schema(), ensure_ascii=False, indent=1))


@cli.command(name="eval")
@click.argument("hypothesis", metavar="HYP")
@click.argument("reference", metavar="REF")
@click.option("--min-syllable-accuracy", type=click.FloatRange(0, 1), default=None,
              help="Exit 5 if syllable accuracy (at --level) is below this.")
@click.option("--level", type=click.Choice(["exact", "style", "base"]), default="exact", show_default=True,
              help="Which syllable accuracy the bar applies to (style: tone placement not counted).")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def eval_cmd(hypothesis: str, reference: str, min_syllable_accuracy: float | None, level: str, as_json: bool) -> None:
    """Compare HYP with REF: CER, WER, syllable accuracy, diacritic error rate."""
    from diacritic_restore.evaluate import measure

    res = measure(_read_input(hypothesis), _read_input(reference))
    if as_json:
        click.echo(res.model_dump_json(indent=1))
    else:
        click.echo(
            f"syllables {res.ref_syllables}  accuracy exact {res.syllable_accuracy:.4f}  "
            f"style-insensitive {res.syllable_accuracy_style:.4f}  no-diacritics {res.syllable_accuracy_base:.4f}\n"
            f"CER {res.cer:.4f}  WER {res.wer:.4f}  diacritic error rate {res.diacritic_error_rate:.4f}"
        )
    if min_syllable_accuracy is not None:
        acc = {"exact": res.syllable_accuracy, "style": res.syllable_accuracy_style,
               "base": res.syllable_accuracy_base}[level]
        if acc < min_syllable_accuracy:
            raise QualityGateError(
                f"syllable accuracy ({level}) {acc:.4f} is below the required {min_syllable_accuracy:.4f}"
            )


@cli.command()
@click.argument("corpora", nargs=-1, required=True, metavar="CORPUS[:WEIGHT]...")
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False),
              help="Folder to write lexicon.tsv, lm.npz and channel.json into.")
@click.option("--order", type=click.IntRange(2, 3), default=3, show_default=True)
@click.option("--exclude", multiple=True, type=click.Path(), help="Text files to leave out (held-out).")
@click.option("--ocr-pairs", type=click.Path(dir_okay=False), default=None,
              help="TSV with truth and ocr columns to learn the OCR channel from (default: copy the current model's).")
def train(corpora: tuple[str, ...], out: str, order: int, exclude: tuple[str, ...], ocr_pairs: str | None) -> None:
    """Train a lexicon and n-gram LM on CORPUS files, folders or .tar.xz archives.

    A weight after a colon counts that corpus several times (in-domain text is small).
    """
    from diacritic_restore.models import store
    from diacritic_restore.restore import channel
    from diacritic_restore.train.corpus import Source
    from diacritic_restore.train.corpus import train as do_train

    sources = [Source.parse(c) for c in corpora]
    for s in sources:
        if not s.path.exists():
            raise InputError(f"{s.path}: no such file or folder")
    outp = Path(out)
    do_train(sources, outp, order=order, exclude=[Path(e) for e in exclude],
             log=lambda m: click.echo(m, err=True))
    if ocr_pairs:
        rows = _read_pairs(Path(ocr_pairs))
        channel.save(channel.learn_ocr(rows), outp / store.CHANNEL.name)
    else:
        src = store.default_model_dir() / store.CHANNEL.name
        if not src.exists():
            raise InputError(f"{src}: no channel model to copy; give --ocr-pairs")
        channel.save(channel.load(src), outp / store.CHANNEL.name)
    store.write_manifest(outp)
    click.echo(f"wrote {outp}", err=True)


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    from diacritic_restore.restore import channel

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return channel.read_pairs(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="vnrestore", standalone_mode=False)
    except VnrestoreError as exc:
        click.echo(f"vnrestore: error: {exc.message}", err=True)
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("vnrestore: aborted", err=True)
        return ExitCode.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BrokenPipeError:
        return ExitCode.OTHER_ERROR
    except SystemExit as exc:  # a batch's own exit code (8, 9)
        return int(exc.code or 0)
    except KeyboardInterrupt:
        click.echo("vnrestore: interrupted", err=True)
        return ExitCode.INTERRUPTED
    except Exception as exc:  # a bug: one line for the user, the trace with VNRESTORE_DEBUG=1
        if os.environ.get("VNRESTORE_DEBUG"):
            raise
        click.echo(f"vnrestore: internal error: {type(exc).__name__}: {exc} (VNRESTORE_DEBUG=1 shows the trace)",
                   err=True)
        return ExitCode.OTHER_ERROR
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
