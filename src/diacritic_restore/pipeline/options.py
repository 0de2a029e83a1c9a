"""The one options tree of a run: ``RunOptions`` (with ``[ocr]``, ``[ocr.preprocess]``
and ``[decoder]``), shared by the CLI, the Python API and the TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from diacritic_restore.errors import ConfigError
from diacritic_restore.ocr.options import OcrOptions
from diacritic_restore.pipeline.executors import MEMORY_MB
from diacritic_restore.restore.settings import Settings

# word confidence (0-1) below which the restore engine may look further than the word
DOUBT_BELOW = 0.90


class RunOptions(BaseModel):
    """Options of ``vnrestore run`` and of the Python API (:func:`~.document.process`,
    :func:`~.batch.run_batch`); loadable from a TOML file (:func:`load_options`)."""

    model_config = ConfigDict(extra="forbid")

    ocr: OcrOptions = Field(default_factory=OcrOptions)
    decoder: Settings = Field(default_factory=Settings, description="the restore decoder's knobs and thresholds")
    restore: bool = Field(True, description="restore the text; False gives the raw OCR / text layer")
    tone_style: Literal["keep", "old", "new"] = "keep"
    jobs: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, description="parallel worker processes")
    executor: str = Field("local", description="where units run (see pipeline.executors.EXECUTORS)")
    outputs: list[str] = Field(default_factory=lambda: ["txt", "json"],
                               description="output types written per document (see pipeline.outputs.WRITERS)")
    model_dir: str | None = None
    doubt_below: float = Field(DOUBT_BELOW, ge=0, le=1,
                               description="OCR words less confident than this get more freedom in the restore")
    unit_timeout: float | None = Field(
        600.0, gt=0, description="seconds one page (or text document) may take in all, reading to restoring; "
        "its worker is killed past it (None: no limit)")
    memory_mb: int | None = Field(
        MEMORY_MB, ge=256, description="address-space ceiling of each worker process, MB (None: no limit)")

    @field_validator("outputs")
    @classmethod
    def _known_outputs(cls, v: list[str]) -> list[str]:
        from diacritic_restore.pipeline.outputs import WRITERS

        unknown = [t for t in v if t not in WRITERS]
        if unknown:
            raise ValueError(f"unknown output type {unknown[0]!r} (known: {', '.join(WRITERS)})")
        if not v:
            raise ValueError("at least one output type is needed")
        return list(dict.fromkeys(v))

    @field_validator("executor")
    @classmethod
    def _known_executor(cls, v: str) -> str:
        from diacritic_restore.pipeline.executors import EXECUTORS

        if v not in EXECUTORS:
            raise ValueError(f"unknown executor {v!r} (known: {', '.join(EXECUTORS)})")
        return v


def load_options(path: str | os.PathLike, overrides: dict | None = None) -> RunOptions:
    """Settings from a TOML file (top-level keys of :class:`RunOptions`, tables
    ``[ocr]``, ``[ocr.preprocess]`` and ``[decoder]``), then ``overrides`` (nested
    dicts) on top."""
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
