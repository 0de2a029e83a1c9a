"""Structured metadata of Vietnamese Party and state documents (see :mod:`.extract`)."""

from diacritic_restore.metadata.extract import document_metadata, extract  # noqa: F401
from diacritic_restore.metadata.patterns import repair_symbol  # noqa: F401
from diacritic_restore.metadata.schema import CitedDocument, Found, Metadata, PageInfo, schema  # noqa: F401
from diacritic_restore.metadata.scoring import SCALAR_FIELDS, FieldScore, same_value, score  # noqa: F401
from diacritic_restore.text.folding import fold  # noqa: F401
