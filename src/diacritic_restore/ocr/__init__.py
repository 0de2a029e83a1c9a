"""Pages in, words out: page files (images, TIFF frames, PDF pages and text layers),
OpenCV preprocessing, an OCR engine (Tesseract first), reading order, and the page
result that carries every word's box to later steps."""
