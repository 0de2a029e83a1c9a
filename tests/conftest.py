from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


GOLD_001 = Path(__file__).resolve().parent.parent / "corpora" / "gold" / "001_corrected.txt"


def gold_paragraphs(skip: int = 0, n: int = 8) -> list[str]:
    """Paragraphs of the user's directive (001, hand-corrected), joined from its lines:
    the body's (over 25 words), from the ``skip``-th, ``n`` of them."""
    paras, cur = [], []
    for line in GOLD_001.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    body = [p for p in paras if len(p.split()) > 25]
    return body[skip:skip + n]


def seed(prefix: str) -> str:
    (path,) = FIXTURES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def restorer():
    from diacritic_restore.restore import loader as model

    return model.load()
