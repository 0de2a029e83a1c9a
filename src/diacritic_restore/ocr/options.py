"""How pages are read: one pydantic object shared by the CLI, the TOML file and Python."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from diacritic_restore.ocr.preprocess import PreprocessOptions


class OcrOptions(BaseModel):
    """How pages are read (shared by the CLI and the Python API)."""

    model_config = ConfigDict(extra="forbid")

    engine: str = Field("tesseract", description="OCR engine (see diacritic_restore.ocr.engine.ENGINES)")
    lang: str = Field("vie", description="Tesseract language(s), e.g. vie or vie+eng")
    psm: int = Field(3, ge=0, le=13, description="Tesseract page segmentation mode")
    retry_psm: int | None = Field(6, description="mode to retry pages where the layout lost text; None: never")
    min_coverage: float = Field(0.8, ge=0, le=1, description="share of letter ink that must lie in read words")
    columns: bool = Field(True, description="read two-column header/footer bands left column first")
    timeout: float = Field(180.0, gt=0, description="seconds per page before Tesseract is stopped")
    pdf_dpi: int = Field(300, ge=72, le=1200, description="rasterisation resolution of scanned PDF pages")
    rotate: bool = Field(True, description="turn pages scanned sideways or upside down upright (engine's OSD)")
    use_text_layer: bool = Field(True, description="read a PDF page's usable text layer instead of OCR")
    preprocess: PreprocessOptions = Field(default_factory=PreprocessOptions)
