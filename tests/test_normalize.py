import unicodedata

from diacritic_restore.normalize import NUM, NUMBER, PUNCT, SYMBOL, UNK, WORD, lm_segments, normalize_text, tokenize


def test_tokens_concatenate_back_to_text():
    text = "Số 15-CT/TU Sóc Trăng, ngày 23 tháng 12 năm 2022\n(đạt 89,90% chỉ tiêu) T/M BAN THƯỜNG VỤ"
    toks = tokenize(text)
    assert "".join(t.text for t in toks) == text
    kinds = {t.text: t.kind for t in toks}
    assert kinds["15-CT/TU"] == SYMBOL and kinds["T/M"] == SYMBOL
    assert kinds["89,90%"] == NUMBER and kinds["2022"] == NUMBER
    assert kinds["Sóc"] == WORD and kinds[","] == PUNCT


def test_hyphenated_place_name_is_words():
    toks = [t for t in tokenize("tỉnh Bà Rịa-Vũng Tàu") if t.kind == WORD]
    assert [t.text for t in toks] == ["tỉnh", "Bà", "Rịa", "Vũng", "Tàu"]


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Đảng uỷ")
    assert normalize_text("\ufeff" + nfd + "\r\n") == "Đảng uỷ\n"


def test_lm_segments_break_at_punctuation_not_line_wraps():
    segs = list(lm_segments("công tác kết nạp đảng\nviên, năm 2022; UBND tỉnh"))
    assert segs == [["công", "tác", "kết", "nạp", "đảng", "viên"], ["năm", NUM], [UNK, "tỉnh"]]
