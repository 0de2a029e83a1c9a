"""``python -m diacritic_restore`` is the ``vnrestore`` command."""

import sys

from diacritic_restore.cli import main

sys.exit(main())
