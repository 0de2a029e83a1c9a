"""Every Vietnamese encoding in, NFC out: round trips through the project's own encoders
on a real page, detection, and hand-checked mappings."""

from pathlib import Path

import pytest

from diacritic_restore.text import charsets
from diacritic_restore.text.charsets import decode_any, decode_tcvn3, decode_viqr, decode_vni, detect, encode

PAGE = "\n".join(
    (Path(__file__).parent.parent / "corpora" / "gold" / "001_corrected.txt").read_text(encoding="utf-8").split("\n")[:60]
)


@pytest.mark.parametrize("enc", ["tcvn3", "vni", "viqr", "cp1258", "utf-16", "utf-8-sig", "utf-8"])
def test_round_trip_and_detection_on_a_real_page(enc):
    data = encode(PAGE, enc)
    assert data != PAGE.encode("utf-8") or enc == "utf-8"
    text, used, conf = decode_any(data)
    assert used == enc and conf >= 0.5
    assert text == PAGE


def test_nfd_utf8_becomes_nfc():
    import unicodedata

    text, used, _ = decode_any(unicodedata.normalize("NFD", PAGE).encode("utf-8"))
    assert used == "utf-8" and text == PAGE


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_legacy_text_saved_as_utf8_is_detected(enc):
    # the 8-bit file read as cp1252 and saved as UTF-8: what archives often hold
    as_text = "".join(charsets._cp1252_char(b) if b > 0x7F else chr(b) for b in encode(PAGE, enc))
    text, used, _ = decode_any(as_text.encode("utf-8"))
    assert used == f"{enc}-in-utf-8" and text == PAGE


def test_known_mappings():
    assert encode("Đảng Việt Nam", "tcvn3") == b"\xa7\xb6ng Vi\xd6t Nam"
    assert decode_tcvn3("B\xb6o Th\xbeng, M\xad\xeang Kh\xad\xacng") == "Bảo Thắng, Mường Khương"
    assert decode_vni("Xin chaøo caùc baïn") == "Xin chào các bạn"
    assert encode("Đảng", "vni") == b"\xd1a\xfbng"
    assert decode_viqr("Vie^.t Nam, Ha` No^.i") == "Việt Nam, Hà Nội"
    assert encode("Chỉ thị.", "viqr") == b"Chi? thi.\\."


def test_english_stays_english():
    assert detect(b"Is it? Yes. The report (2022) was filed.") == ("utf-8", 1.0)
    assert decode_viqr("Is it? Yes.") == "Is it? Yes."


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="unknown encoding 'klingon'"):
        decode_any(b"abc", "klingon")


def _chunks(text: str, lines: int) -> list[str]:
    rows = [ln for ln in text.splitlines() if ln.strip()]
    return ["\n".join(rows[i:i + lines]) for i in range(0, len(rows), lines)]


def test_english_model_ocr_is_never_taken_for_a_legacy_encoding():
    """Valid UTF-8 full of é ô ü ¢ ©: the user's OCR seeds and the held-out laws as read by
    `tesseract -l eng`, cut into short files (4 lines), as archives hold them."""
    root = Path(__file__).parent.parent / "corpora"
    texts = [(root / "ocr-eng" / "heldout_ocr.txt").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "seeds").glob("00[0234]_*.txt"))]
    files = [c for t in texts for c in _chunks(t, 4) if any(not ch.isascii() for ch in c)]
    assert len(files) > 500
    legacy = [(detect(c.encode("utf-8")), c[:60]) for c in files if detect(c.encode("utf-8"))[0] != "utf-8"]
    assert legacy == []


@pytest.mark.parametrize("enc", ["tcvn3", "vni", "cp1258", "viqr", "tcvn3-in-utf-8", "vni-in-utf-8"])
def test_short_legacy_files_are_still_detected(enc):
    for chunk in _chunks(PAGE, 2):
        if enc.endswith("-in-utf-8"):
            raw = encode(chunk, enc.split("-")[0])
            data = "".join(charsets._cp1252_char(b) if b > 0x7F else chr(b) for b in raw).encode("utf-8")
        else:
            data = encode(chunk, enc)
        text, used, _ = decode_any(data)
        assert used == enc and text == chunk


def test_utf32_is_decoded_never_written_with_nuls(tmp_path):
    from diacritic_restore.errors import InputError
    from diacritic_restore.text.decoding import decode_bytes_detailed

    text, used, _ = decode_any(PAGE.encode("utf-32"))
    assert used == "utf-32" and text == PAGE
    with pytest.raises(InputError, match="NUL"):
        decode_bytes_detailed(PAGE.encode("utf-32"), "x.txt", "utf-16")
    with pytest.raises(InputError, match="binary data"):
        decode_bytes_detailed(PAGE.encode("utf-32-le"), "x.txt")  # no byte-order mark: refused, not guessed


def test_viqr_dd_inside_capitals_and_symbols():
    assert decode_viqr("So^' 45/QDD-UBND, HDDND ti?nh") == "Số 45/QĐ-UBND, HĐND tỉnh"
    assert decode_viqr("ADD the file") == "ADD the file"  # no capitals-only word gains a mark by itself


@pytest.mark.parametrize("line", ["- 2025”;", "Ngày “Chuyển đổi số” 2025”;", "© 2024 – “VN”"])
def test_a_few_marks_of_punctuation_are_no_legacy_file(line):
    """A curly quote after a number reads as TCVN3 õ€: one 'syllable' is no evidence."""
    assert detect(line.encode("utf-8"))[0] == "utf-8"
