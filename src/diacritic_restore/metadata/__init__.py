"""Structured metadata of Vietnamese Party and state documents (see :mod:`.extract`)."""

from diacritic_restore.metadata.extract import (  # noqa: F401
    SCALAR_FIELDS,
    CitedDocument,
    FieldScore,
    Found,
    Metadata,
    PageInfo,
    document_metadata,
    extract,
    fold,
    repair_symbol,
    same_value,
    schema,
    score,
)
