"""Finding and loading the model set (lexicon, LM, channel) once per process."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from . import channel, lexicon, lm
from .corpus import LEXICON_FILE, LM_FILE
from .decode import Restorer, Settings
from .errors import ModelError

CHANNEL_FILE = "channel.json"
_LOCK = threading.Lock()
_LOADED: dict[str, Restorer] = {}


def default_model_dir() -> Path:
    """``$VNRESTORE_MODELS``, else the project's ``models/``, else models shipped in the package."""
    env = os.environ.get("VNRESTORE_MODELS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for cand in (here.parent.parent / "models", here / "models"):
        if (cand / LM_FILE).exists():
            return cand
    return here.parent.parent / "models"


def load(model_dir: str | os.PathLike | None = None, settings: Settings | None = None) -> Restorer:
    """The restorer for a model folder, loaded on first use and shared afterwards."""
    d = Path(model_dir) if model_dir else default_model_dir()
    key = f"{d.resolve()}|{settings!r}"
    with _LOCK:
        r = _LOADED.get(key)
        if r is None:
            r = _load_uncached(d, settings)
            _LOADED[key] = r
    return r


def _load_uncached(d: Path, settings: Settings | None) -> Restorer:
    missing = [f for f in (LEXICON_FILE, LM_FILE, CHANNEL_FILE) if not (d / f).exists()]
    if missing:
        raise ModelError(f"{d}: model files missing ({', '.join(missing)}); run `make models`")
    try:
        lex = lexicon.load(d / LEXICON_FILE)
        model = lm.load(d / LM_FILE)
        table = channel.load(d / CHANNEL_FILE)
        r = Restorer(lex, model, table, settings)
        r.warm_up()
        return r
    except (lexicon.LexiconFormatError, lm.ModelFormatError, channel.ChannelFormatError) as exc:
        raise ModelError(str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{d}: cannot load models ({exc})") from None
