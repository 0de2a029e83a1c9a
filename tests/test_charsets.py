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
