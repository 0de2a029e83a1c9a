"""Output writers: what a finished document becomes on disk.

One registry, :data:`WRITERS`, used by the single-file path (:func:`~.document.run`)
and by batches alike.  A writer turns a :class:`~.document.DocumentResult` into the
bytes of one file; :func:`write_outputs` writes every requested type atomically
beside each other (``OUT/…/NAME.txt``, ``NAME.json``) and never over the input.
Today's types are ``txt`` (the restored text, pages split by form feeds) and
``json`` (the metadata with each page's source and confidence).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from diacritic_restore.errors import InputError, OutputError
from diacritic_restore.fileio import write_bytes_atomic

if TYPE_CHECKING:
    from diacritic_restore.pipeline.document import DocumentResult


@dataclass(frozen=True)
class OutputWriter:
    type: str  # the name users give (--output-type, RunOptions.outputs)
    suffix: str  # the file's suffix, after NAME
    render: Callable[["DocumentResult"], bytes]
    description: str = ""


def _text(doc: "DocumentResult") -> bytes:
    return doc.text.encode("utf-8")


def _metadata_json(doc: "DocumentResult") -> bytes:
    return (doc.metadata.model_dump_json(indent=1) + "\n").encode("utf-8")


WRITERS: dict[str, OutputWriter] = {}


def register_writer(writer: OutputWriter) -> None:
    WRITERS[writer.type] = writer


register_writer(OutputWriter("txt", ".txt", _text, "the text, NFC UTF-8, pages split by form feeds"))
register_writer(OutputWriter("json", ".json", _metadata_json, "metadata with each page's source and confidence"))


def output_paths(base: Path, types: Sequence[str]) -> list[Path]:
    """The files ``types`` give for ``base`` (an output path without suffix)."""
    return [base.with_name(base.name + WRITERS[t].suffix) for t in types]


def write_outputs(doc: "DocumentResult", base: Path, types: Sequence[str], src: Path) -> list[Path]:
    """Write each requested output of ``doc`` atomically; refuse to overwrite ``src``."""
    paths = output_paths(base, types)
    src_res = src.resolve()
    for p in paths:
        if p.resolve() == src_res:
            raise InputError(f"{p}: refusing to overwrite the input file")
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{base.parent}: cannot create the output folder ({exc.strerror})") from None
    written: list[Path] = []
    try:
        for t, p in zip(types, paths):
            write_bytes_atomic(p, WRITERS[t].render(doc))
            written.append(p)
    except BaseException:
        # all of a document's outputs or none: a .txt without its .json is no result
        for p in written:
            p.unlink(missing_ok=True)
        raise
    return paths
