"""A page's verdict: ``ok``, or ``review`` with the reasons a person should look at it.

A page that came out as garbage (a photo, a noise page, a page the engine could not
read) must not pass as done.  Each reason is a short, stable string with the number
that tripped it and the bar, e.g. ``low OCR confidence (0.52 < 0.70)``, so reports can
group by the text before the parenthesis.
"""

from __future__ import annotations

from diacritic_restore.ocr.page import PageResult
from diacritic_restore.text.language import foreign_lines

# Calibrated on the 22 real scans in /work/shared/data/scans (OCR_LOCAL_VBHC, 4_1, 4_2,
# administrative_documents), a random-pixel page, a blurred-noise "photo" and
# rendered pages (tests/test_honest_pages.py), read through the whole pipeline:
# - mean OCR word confidence: real scans 0.90-0.955, rendered pages 0.93+; turned
#   pages read as they lie 0.42-0.45, the photo 0.32, the noise page 0.27.
MIN_OCR_CONFIDENCE = 0.70
# - share of the page's letter ink inside read words: real scans 0.93-1.00; the photo
#   0.68 (the noise page 0.80: it is "read" everywhere, and caught by confidence).
MIN_INK_COVERAGE = 0.75
# - share of OCR words (with letters) the restorer changed: real scans 0.009-0.081
#   (the vie model already reads marks); the photo 0.21, the noise page 0.27.
MAX_CHANGED_SHARE = 0.15
# - text documents: mean restore confidence.  Held-out laws and the gold directive
#   stripped of marks: 0.99-1.00; the same words shuffled into word salad: 0.76;
#   two-letter syllables at random: 0.77.
MIN_RESTORE_CONFIDENCE = 0.85
# - most lines foreign (diacritic_restore.text.language.foreign_lines): not a
#   Vietnamese document (every real scan: 0 foreign lines; English, French: all).
MAX_FOREIGN_SHARE = 0.5
# - Tesseract OSD orientation confidence of a page that was turned: the transcribed
#   real scans turned 90/180/270 and read through the pipeline gave 9.6-27 (bench
#   section 5), a rendered page 20+; wrong answers seen (OSD on copies shrunk to
#   800-1200 px) 0.1-1.3.  Tesseract's own advice is to trust it above ~2.
MIN_ORIENTATION_CONFIDENCE = 2.0


def _changed_share(page: PageResult) -> float | None:
    words = [w for w in page.words if w.restored is not None and any(c.isalpha() for c in w.text)]
    if not words:
        return None
    return sum(w.restored != w.text for w in words) / len(words)


def review_reasons(page: PageResult) -> list[str]:
    """Why ``page`` needs review; empty when it is ok."""
    reasons: list[str] = []
    conf = page.mean_confidence
    if page.source == "ocr" and conf is not None and conf < MIN_OCR_CONFIDENCE:
        reasons.append(f"low OCR confidence ({conf:.2f} < {MIN_OCR_CONFIDENCE:.2f})")
    if page.source == "ocr" and page.words and page.coverage is not None and page.coverage < MIN_INK_COVERAGE:
        reasons.append(f"little text found for the ink (coverage {page.coverage:.2f} < {MIN_INK_COVERAGE:.2f})")
    changed = _changed_share(page) if page.restored else None
    if changed is not None and changed > MAX_CHANGED_SHARE:
        reasons.append(f"many words changed by restore ({changed:.2f} > {MAX_CHANGED_SHARE:.2f})")
    rc = page.restore_confidence
    if page.source == "text" and rc is not None and rc < MIN_RESTORE_CONFIDENCE:
        reasons.append(f"low restore confidence ({rc:.2f} < {MIN_RESTORE_CONFIDENCE:.2f})")
    read = page.ocr_text or page.text
    lines = [(ln, f) for ln, f in zip(read.split("\n"), foreign_lines(read)) if ln.strip()]
    foreign = sum(f for _, f in lines)
    if lines and foreign > MAX_FOREIGN_SHARE * len(lines):
        reasons.append(f"not Vietnamese ({foreign}/{len(lines)} lines foreign)")
    if page.sideways:
        reasons.append("orientation doubtful (text lines run up and down, page not turned)")
    oc = page.orientation_confidence
    if page.rotation and oc is not None and oc < MIN_ORIENTATION_CONFIDENCE:
        reasons.append(f"orientation doubtful (turned {page.rotation}, OSD confidence "
                       f"{oc:.2f} < {MIN_ORIENTATION_CONFIDENCE:.2f})")
    return reasons


def judge(page: PageResult) -> PageResult:
    """Set the page's ``verdict`` and ``review_reasons``; returns the page."""
    page.review_reasons = review_reasons(page)
    page.verdict = "review" if page.review_reasons else "ok"
    return page


def document_reasons(pages: list[PageResult]) -> list[str]:
    """The union of the pages' reasons, each prefixed by its page number when the
    document has several pages (``page 3: low OCR confidence (…)``)."""
    if len(pages) == 1:
        return list(pages[0].review_reasons)
    return [f"page {k + 1}: {r}" for k, pg in enumerate(pages) for r in pg.review_reasons]
