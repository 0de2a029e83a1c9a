"""The model store: which files a model set has, their formats and versions, and the
manifest that pins each file's sha256.

A model folder holds ``lexicon.tsv``, ``lm.npz``, ``channel.json`` and
``manifest.json``.  The manifest is written by ``make models`` and ``vnrestore train``
and checked when the set is loaded: a file that differs from it (damaged, edited,
half-copied) is refused with a one-line error.  The manifest's own digest is the
model set's identity (:func:`model_id`), which the batch ledger keys its work on: a
byte-identical rebuild keeps the id, any change to a model file gives a new one.

The folder shipped inside the package (this one) is the default; ``$VNRESTORE_MODELS``
or ``--model DIR`` choose another.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from diacritic_restore.errors import ModelError
from diacritic_restore.fileio import write_text_atomic


@dataclass(frozen=True)
class FileFormat:
    name: str  # file name in the model folder
    format: str  # the format tag written inside the file
    version: int  # the version this vnrestore reads and writes


LEXICON = FileFormat("lexicon.tsv", "vnrestore-lexicon", 2)
LM = FileFormat("lm.npz", "vnrestore-lm", 1)
CHANNEL = FileFormat("channel.json", "vnrestore-channel", 1)
FILES = (LEXICON, LM, CHANNEL)
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "vnrestore-models"
MANIFEST_VERSION = 1
ENV_VAR = "VNRESTORE_MODELS"


def shipped_dir() -> Path:
    """The model set inside the installed package."""
    return Path(__file__).resolve().parent


def default_model_dir() -> Path:
    """``$VNRESTORE_MODELS`` when set, else the models shipped in the package."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else shipped_dir()


def resolve(model_dir: str | os.PathLike | None) -> Path:
    return Path(model_dir) if model_dir else default_model_dir()


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def missing_files(d: Path) -> list[str]:
    return [f.name for f in FILES if not (d / f.name).exists()]


def build_manifest(d: Path) -> dict:
    """The manifest of the model files in ``d`` as they are now."""
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "files": {
            f.name: {"format": f.format, "version": f.version, "sha256": file_sha256(d / f.name),
                     "bytes": (d / f.name).stat().st_size}
            for f in FILES
        },
    }


def write_manifest(d: str | os.PathLike) -> Path:
    """Write ``d/manifest.json`` for the model files in ``d`` (after building them)."""
    d = Path(d)
    path = d / MANIFEST
    write_text_atomic(path, json.dumps(build_manifest(d), indent=1, sort_keys=True) + "\n")
    return path


def read_manifest(d: Path) -> dict:
    path = d / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{d}: no {MANIFEST}; rebuild the models with `make models` or `vnrestore train`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable manifest ({exc})") from None
    if doc.get("format") != MANIFEST_FORMAT or doc.get("version") != MANIFEST_VERSION:
        raise ModelError(f"{path}: not a vnrestore model manifest of version {MANIFEST_VERSION}")
    return doc


def verify(d: Path) -> dict:
    """Check every model file against the manifest (format, version, sha256); the
    manifest, or a one-line :class:`ModelError` naming the file that differs."""
    doc = read_manifest(d)
    files = doc.get("files", {})
    for f in FILES:
        entry = files.get(f.name)
        if entry is None:
            raise ModelError(f"{d / MANIFEST}: does not list {f.name}")
        if entry.get("format") != f.format or entry.get("version") != f.version:
            raise ModelError(f"{d / f.name}: manifest says {entry.get('format')} version {entry.get('version')}, "
                             f"this vnrestore reads {f.format} version {f.version}; rebuild with `make models`")
        if file_sha256(d / f.name) != entry.get("sha256"):
            raise ModelError(f"{d / f.name}: differs from its manifest (sha256): damaged or changed; "
                             "rebuild with `make models` or `vnrestore train`")
    return doc


def model_id(model_dir: str | os.PathLike | None = None) -> str:
    """The identity of a model set: a digest of its manifest (which pins every file)."""
    d = resolve(model_dir)
    try:
        data = (d / MANIFEST).read_bytes()
    except OSError:
        return "no-manifest"
    return hashlib.sha256(data).hexdigest()[:16]
