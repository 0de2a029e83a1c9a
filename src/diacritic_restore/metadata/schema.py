"""The metadata record: what the extractor fills in, and its JSON Schema."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1
T = TypeVar("T")


class Found(BaseModel, Generic[T]):
    """An extracted value, the line it came from and how sure the extractor is."""

    value: T
    line: int = Field(description="1-based line number in the text the value was read from")
    confidence: float = Field(ge=0, le=1)


class CitedDocument(BaseModel):
    type: str | None
    number: str | None
    symbol: str | None
    date: str | None = Field(description="ISO 8601, partial when the document gives less")
    issuer: str | None
    raw: str = Field(description="the mention as it stands in the text")
    line: int
    confidence: float = Field(ge=0, le=1)


class PageInfo(BaseModel):
    index: int
    source: str = Field(description="ocr, text-layer or text")
    mean_confidence: float | None = None
    psm: int | None = None
    coverage: float | None = None
    retried: bool = False
    rotation: int = Field(0, description="degrees the page was turned clockwise before OCR (0, 90, 180, 270)")
    orientation_confidence: float | None = Field(
        None, description="the OCR engine's orientation confidence, when the page's orientation was checked")
    skew_degrees: float | None = None
    dpi: float | None = None
    encoding: str | None = Field(None, description="text documents: the encoding their bytes were read in")
    encoding_confidence: float | None = Field(None, description="how sure that reading is (1 when given)")
    encoding_margin_over_utf8: float | None = Field(
        None, description="the reading's score minus UTF-8's; for UTF-8, its lead over the best legacy reading")
    not_vietnamese_lines: list[int] = Field(
        default_factory=list, description="lines (1-based, of this page) of another language, left as read")
    verdict: Literal["ok", "review"] = Field("ok", description="ok, or review: see review_reasons")
    review_reasons: list[str] = Field(default_factory=list, description="why the page needs a person's look")


class Metadata(BaseModel):
    """What a cataloguer needs of one document (``vnrestore schema`` prints the JSON Schema)."""

    schema_version: int = SCHEMA_VERSION
    number: Found[str] | None = None
    symbol: Found[str] | None = None
    document_type: Found[str] | None = None
    issuer: Found[str] | None = None
    parent_issuer: Found[str] | None = None
    place: Found[str] | None = None
    date: Found[str] | None = Field(None, description="ISO 8601; 2021-10 when the day is blank")
    subject: Found[str] | None = None
    signing_authority: Found[str] | None = Field(None, description="T/M, K/T, T/L, Q., TUQ.")
    signing_body: Found[str] | None = None
    signer_title: Found[str] | None = None
    signer_name: Found[str] | None = None
    recipients: Found[list[str]] | None = None
    cited_documents: list[CitedDocument] = Field(default_factory=list)
    page_count: int | None = None
    pages: list[PageInfo] = Field(default_factory=list)
    source_file: str | None = None
    sha256: str | None = None
    settings_key: str | None = Field(None, description="the run settings, version and models that wrote this file "
                                     "(a batch's ledger key: a lost ledger is rebuilt from it)")
    mean_confidence: float | None = Field(None, description="mean confidence of the OCR words or the restore")
    review_reasons: list[str] = Field(default_factory=list, description="why the document needs a person's look "
                                      "(its pages' reasons, 'page N: ' prefixed when it has several); empty: ok")


def schema() -> dict:
    """The JSON Schema of :class:`Metadata` (committed as docs/metadata.schema.json)."""
    doc = Metadata.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = f"vnrestore-metadata-v{SCHEMA_VERSION}"
    return doc
