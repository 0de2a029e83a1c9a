#!/usr/bin/env python3
"""Write the README's exit-code table from diacritic_restore.errors.ExitCode (the one
place exit codes are defined); `--check` exits 1 when the README is out of date."""

from __future__ import annotations

import sys
from pathlib import Path

from diacritic_restore.errors import exit_code_table

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- exit-codes: generated from diacritic_restore.errors.ExitCode by `python scripts/gen_docs.py` -->"
END = "<!-- /exit-codes -->"


def with_table(text: str) -> str:
    i = text.index(START) + len(START)
    j = text.index(END)
    return text[:i] + "\n" + exit_code_table() + "\n" + text[j:]


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = with_table(text)
    if "--check" in sys.argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
