"""Loading the model set (lexicon, LM, channel) into a :class:`Restorer`, once per
process and settings: every later call shares it."""

from __future__ import annotations

import os
import threading

from diacritic_restore.errors import ModelError
from diacritic_restore.models import store
from diacritic_restore.restore import channel, lexicon, lm
from diacritic_restore.restore.restorer import Restorer
from diacritic_restore.restore.settings import Settings

_LOCK = threading.Lock()
_LOADED: dict[str, Restorer] = {}


def load(model_dir: str | os.PathLike | None = None, settings: Settings | None = None) -> Restorer:
    """The restorer for a model folder, loaded on first use and shared afterwards."""
    d = store.resolve(model_dir)
    settings = Settings() if settings is None else settings  # None is the defaults: one shared restorer
    key = f"{d.resolve()}|{settings!r}"
    with _LOCK:
        r = _LOADED.get(key)
        if r is None:
            r = _load_uncached(d, settings)
            _LOADED[key] = r
    return r


def _load_uncached(d: os.PathLike, settings: Settings | None) -> Restorer:
    from pathlib import Path

    d = Path(d)
    missing = store.missing_files(d)
    if missing:
        raise ModelError(f"{d}: model files missing ({', '.join(missing)}); run `make models` "
                         f"or point ${store.ENV_VAR} / --model at a model folder")
    try:
        lex = lexicon.load(d / store.LEXICON.name)
        model = lm.load(d / store.LM.name)
        table = channel.load(d / store.CHANNEL.name)
    except (lexicon.LexiconFormatError, lm.ModelFormatError, channel.ChannelFormatError) as exc:
        raise ModelError(str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{d}: cannot load models ({exc})") from None
    store.verify(d)  # after the format checks, whose messages say more about a broken file
    try:
        r = Restorer(lex, model, table, settings)
    except (ValueError, KeyError) as exc:
        raise ModelError(f"{d}: cannot load models ({exc})") from None
    r.warm_up()
    return r
