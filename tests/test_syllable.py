from diacritic_restore.text.syllable import (
    apply_tone,
    canonical,
    is_valid,
    parse,
    restyle,
    skeleton,
    split_tone,
    strip_marks,
    style_of,
)


def test_valid_syllables_from_real_text():
    for w in "Đảng bộ tỉnh Sóc Trăng quán triệt nghị quyết người khuya quốc giữa nghiêng thuở xoong quào".split():
        assert is_valid(w), w


def test_invalid_spellings_rejected():
    # wrong onset spelling, stop coda with a level tone, English words, OCR junk
    for w in ["ka", "ghong", "cồc", "ket", "ciia", "chirc", "ndm", "strong", "1én", "tdm"]:
        assert not is_valid(w), w


def test_parts_of_a_syllable():
    p = parse("Nguyễn")
    assert (p.onset, p.medial, p.nucleus, p.coda, p.tone) == ("ng", "u", "yê", "n", 4)
    p = parse("quốc")
    assert (p.onset, p.nucleus, p.coda, p.tone) == ("qu", "ô", "c", 2)
    p = parse("giữa")
    assert (p.onset, p.nucleus, p.tone) == ("gi", "ưa", 4)


def test_tone_styles_and_canonical_key():
    assert restyle("hòa", "new") == "hoà" and restyle("hoà", "old") == "hòa"
    assert restyle("uỷ", "old") == "ủy" and restyle("thủy", "new") == "thuỷ"
    assert restyle("khỏe", "new") == "khoẻ"
    assert canonical("Uỷ") == canonical("ủy") == canonical("uỷ")
    assert canonical("hoàn") == "hoàn"  # with a coda the tone has one place only
    assert style_of("hòa") == "old" and style_of("hoà") == "new" and style_of("hoàn") is None


def test_apply_tone_places_mark_by_the_rules():
    assert apply_tone("nguoi".replace("uo", "ươ"), 1) == "người"
    assert apply_tone("quyêt", 2) == "quyết"
    assert apply_tone("Đang", 3) == "Đảng"
    assert apply_tone("gia", 2) == "giá"
    assert apply_tone("thuy", 3, "old") == "thủy"


def test_skeleton_and_strip():
    assert skeleton("Đảng") == "dang"
    assert split_tone("Trăng") == ("Trăng", 0)
    assert strip_marks("Số 15-CT/TU Sóc Trăng, ngày 23") == "So 15-CT/TU Soc Trang, ngay 23"
