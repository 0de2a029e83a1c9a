"""Held-out golden metadata kept as hashes: ``bench/metadata-heldout/<id>.json``.

The golden values of documents of ``../shared/data/vn-admin-docs`` were written by
reading them (see ``bench/metadata-heldout/README.md``); its SOURCE.md forbids
committing any text taken from that corpus, so the project keeps only salted sha256
digests of the normalised values (``metadata.scoring`` normalisation: folded, words
only, single-spaced), enough to tell a right value from a wrong one, nothing to read.

``python bench/heldout_gold.py --from DIR`` turns readable golden files (kept outside
the repository) into the hashed ones; :func:`matches` compares a value with a digest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from diacritic_restore.metadata.scoring import _norm

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "bench" / "metadata-heldout"
FIELDS = ("number", "symbol", "document_type", "issuer", "parent_issuer", "place", "date", "signing_authority",
          "signer_title", "signer_name")
SALT = "vnrestore-heldout-gold:"


def digest(value: str) -> str:
    return hashlib.sha256((SALT + _norm(value)).encode("utf-8")).hexdigest()[:20]


def _issuer_prefixes(value: str) -> list[str]:
    """Digests of the word prefixes of an issuer of 70% of its length or more (the
    scoring accepts a found issuer that is such a prefix)."""
    words = _norm(value).split()
    full = len(" ".join(words))
    return [digest(" ".join(words[:k])) for k in range(1, len(words)) if len(" ".join(words[:k])) >= 0.7 * full]


def hashed(gold: dict) -> dict:
    out: dict = {"document": gold["document"], "fields": {}}
    for f in FIELDS:
        v = gold.get(f)
        out["fields"][f] = None if v is None else digest(v)
    if gold.get("issuer"):
        out["issuer_prefixes"] = _issuer_prefixes(gold["issuer"])
    out["cited_symbols"] = sorted(digest(c["symbol"]) for c in gold.get("cited_documents") or [] if c.get("symbol"))
    return out


def matches(field: str, value: str, gold: dict) -> bool:
    """Does an extracted ``value`` agree with the golden digest of ``field``?"""
    want = gold["fields"].get(field)
    if want is None:
        return False
    if digest(value) == want:
        return True
    if field in ("issuer",):
        words = _norm(value).split()
        # the found issuer runs on (gold is its prefix) or stops short (its prefix is gold's)
        if any(digest(" ".join(words[:k])) == want for k in range(1, len(words))):
            return True
        return digest(value) in gold.get("issuer_prefixes", [])
    return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", type=Path, required=True, help="folder of readable golden files")
    args = ap.parse_args()
    HELDOUT.mkdir(parents=True, exist_ok=True)
    n = 0
    for p in sorted(args.src.glob("*.json")):
        gold = json.loads(p.read_text(encoding="utf-8"))
        (HELDOUT / p.name).write_text(json.dumps(hashed(gold), indent=1) + "\n", encoding="utf-8")
        n += 1
    print(f"{n} golden files hashed into {HELDOUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
