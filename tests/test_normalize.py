import unicodedata

from diacritic_restore.text.tokens import NUM, NUMBER, PUNCT, SYMBOL, UNK, WORD, lm_segments, normalize_text, tokenize


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


# --- repairs of text-layer damage (real examples) ---------------------------------

from pathlib import Path  # noqa: E402

from diacritic_restore.text.repairs import (  # noqa: E402
    apply_tone_style,
    dehyphenate,
    drop_stray_marks,
    fix_homoglyphs,
    fix_mojibake,
    fix_ocr_c,
    join_split_syllables,
    repair,
    tone_styles,
)

ROOT = Path(__file__).parent.parent


def test_mojibake_utf8_read_as_cp1252():
    src = "Ban Thường vụ Tỉnh uỷ Sóc Trăng"

    def as_cp1252(b: int) -> str:  # how Windows shows each byte; undefined ones as C1 controls
        try:
            return bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(b)

    broken = "".join(as_cp1252(b) for b in src.encode("utf-8"))
    assert broken.startswith("Ban ThÆ°á»")
    fixed, n = fix_mojibake(broken)
    assert fixed == src and n >= 4


def test_split_syllables_from_pdf_extraction():
    from diacritic_restore.api import _known_syllables

    known = _known_syllables()  # the shipped lexicon: what two syllable-like parts may become
    assert join_split_syllables("Chỉ thị này đư ợc phổ biến đến ngư ời dân", known)[0] \
        == "Chỉ thị này được phổ biến đến người dân"
    # real separate words are left alone
    for ok in ("đi ăn", "cho em", "ca ơi", "thu ế", "hoa ở", "có ý thức", "do ảnh"):
        assert join_split_syllables(ok, known) == (ok, 0)
    # without a lexicon, two parts that are both syllables are never joined
    assert join_split_syllables("ngư ời dân") == ("ngư ời dân", 0)


def test_hyphenation_at_line_ends():
    assert dehyphenate("công tác phát tri-\nển đảng viên")[0] == "công tác phát triển\nđảng viên"
    assert dehyphenate("tỉnh Bà Rịa-\nVũng Tàu") == ("tỉnh Bà Rịa-\nVũng Tàu", 0)


def test_stray_combining_marks():
    assert drop_stray_marks("Đảng \u0301bộ vie\u0302\u0323\u0323t")[0] == "Đảng bộ việt"
    assert drop_stray_marks("Ngô Bảo Châu, François") == ("Ngô Bảo Châu, François", 0)


def test_lookalike_letters_from_other_scripts():
    assert fix_homoglyphs("Đ\u0430̉ng bộ tỉnh, v\u0456ệc làm")[0] == "Đảng bộ tỉnh, việc làm"
    assert fix_homoglyphs("Москва") == ("Москва", 0)


def test_ocr_punctuation_for_c():
    assert fix_ocr_c("tổ ©hức ¢ông tác") == ("tổ chức công tác", 2)
    assert fix_ocr_c("giá 5 ¢, © 2024") == ("giá 5 ¢, © 2024", 0)


def test_correct_text_passes_byte_identical():
    for p in (ROOT / "corpora" / "gold" / "001_corrected.txt", ROOT / "corpora" / "ocr-eng" / "heldout_truth.txt"):
        text = p.read_text(encoding="utf-8")
        assert repair(text) == (text, {})


def test_tone_style_report_and_conversion():
    text = "Tỉnh uỷ Hoà Bình, thủy lợi"
    assert tone_styles(text) == {"old": 1, "new": 2}
    assert apply_tone_style(text, "old") == "Tỉnh ủy Hòa Bình, thủy lợi"
    assert apply_tone_style(text, "new") == "Tỉnh uỷ Hoà Bình, thuỷ lợi"
