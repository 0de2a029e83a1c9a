"""Tests for diacritic_restore.evaluate."""

from __future__ import annotations

import unicodedata

import pytest

from diacritic_restore.evaluate import (
    EvalResult,
    cer,
    changed_fraction,
    measure,
    strip_diacritics,
    syllable_accuracy,
    syllable_tokens,
    wer,
)

DATE_LINE = "Số 15-CT/TU Sóc Trăng, ngày 23 tháng 12 năm 2022"
PARAGRAPH = (
    "Ban Thường vụ Tỉnh uỷ yêu cầu các cấp uỷ, tổ chức đảng, chính quyền, "
    "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội tỉnh tập trung lãnh đạo, "
    "chỉ đạo thực hiện tốt các nội dung sau đây."
)


def test_identical_text_is_perfect() -> None:
    res = measure(PARAGRAPH, PARAGRAPH)
    assert isinstance(res, EvalResult)
    assert res.ref_syllables == res.hyp_syllables == len(syllable_tokens(PARAGRAPH))
    assert res.syllable_accuracy == 1.0
    assert res.syllable_accuracy_style == 1.0
    assert res.syllable_accuracy_base == 1.0
    assert res.diacritic_error_rate == 0.0
    assert res.cer == 0.0
    assert res.wer == 0.0
    assert (res.substitutions, res.deletions, res.insertions) == (0, 0, 0)
    assert changed_fraction(PARAGRAPH, PARAGRAPH) == 0.0


def test_nfd_input_counts_as_identical() -> None:
    nfd = unicodedata.normalize("NFD", PARAGRAPH)
    assert nfd != PARAGRAPH
    res = measure(nfd, PARAGRAPH)
    assert res.syllable_accuracy == 1.0
    assert res.cer == 0.0


def test_tokens_ignore_punctuation() -> None:
    assert syllable_tokens(DATE_LINE) == [
        "số", "15", "ct", "tu", "sóc", "trăng", "ngày", "23", "tháng", "12", "năm", "2022",
    ]


def test_strip_diacritics_keeps_case_and_punctuation() -> None:
    assert strip_diacritics(DATE_LINE) == "So 15-CT/TU Soc Trang, ngay 23 thang 12 nam 2022"
    assert strip_diacritics("Đảng ĐOÀN") == "Dang DOAN"


def test_stripped_text_base_perfect_exact_counts_unmarked_tokens() -> None:
    hyp = strip_diacritics(DATE_LINE)
    res = measure(hyp, DATE_LINE)
    # Tokens: Số 15 CT TU Sóc Trăng ngày 23 tháng 12 năm 2022 -> 12 tokens.
    # Marked: Số, Sóc, Trăng, ngày, tháng, năm (6); unmarked: 15 CT TU 23 12 2022 (6).
    assert res.ref_syllables == 12
    assert res.hits_base == 12
    assert res.hits_exact == 6
    assert res.syllable_accuracy_base == 1.0
    assert res.syllable_accuracy == pytest.approx(6 / 12)
    assert res.syllable_accuracy_style == pytest.approx(6 / 12)
    # every marked syllable lost its marks; all pairs align on their skeletons
    assert res.diacritic_error_rate == pytest.approx(6 / 12)
    assert (res.substitutions, res.deletions, res.insertions) == (0, 0, 0)
    assert syllable_accuracy(hyp, DATE_LINE, "base") == 1.0
    assert syllable_accuracy(hyp, DATE_LINE) == pytest.approx(0.5)


def test_tone_placement_style_is_not_an_error_at_style_level() -> None:
    res = measure("Tỉnh ủy", "Tỉnh uỷ")
    assert res.syllable_accuracy < 1.0
    assert res.syllable_accuracy == pytest.approx(0.5)
    assert res.syllable_accuracy_style == 1.0
    assert res.syllable_accuracy_base == 1.0
    assert res.diacritic_error_rate == 0.0
    assert syllable_accuracy("Tỉnh ủy", "Tỉnh uỷ", level="style") == 1.0
    assert syllable_accuracy("Tỉnh ủy", "Tỉnh uỷ", level="exact") == pytest.approx(0.5)


def test_case_is_ignored_for_syllables_but_not_for_wer() -> None:
    res = measure("TỈNH UỶ SÓC TRĂNG", "Tỉnh uỷ Sóc Trăng")
    assert res.syllable_accuracy == 1.0
    assert res.wer == 1.0


def test_wrong_tone_is_a_diacritic_error() -> None:
    res = measure("Tỉnh ủy Sóc Trắng", "Tỉnh uỷ Sóc Trăng")
    assert res.hits_base == 4
    assert res.hits_style == 3
    assert res.diacritic_error_rate == pytest.approx(1 / 4)
    assert res.syllable_accuracy_style == pytest.approx(3 / 4)


def test_deleted_word() -> None:
    ref = "Ban Thường vụ Tỉnh uỷ yêu cầu"
    hyp = "Ban Thường vụ uỷ yêu cầu"  # "Tỉnh" dropped
    res = measure(hyp, ref)
    assert (res.substitutions, res.deletions, res.insertions) == (0, 1, 0)
    assert res.ref_syllables == 7 and res.hyp_syllables == 6
    assert res.hits_exact == 6
    assert res.syllable_accuracy == pytest.approx(6 / 7)
    assert res.syllable_accuracy_base == pytest.approx(6 / 7)
    assert res.wer == pytest.approx(1 / 7)


def test_inserted_word() -> None:
    ref = "Ban Thường vụ Tỉnh uỷ yêu cầu"
    hyp = "Ban Thường vụ Tỉnh uỷ đã yêu cầu"  # "đã" added
    res = measure(hyp, ref)
    assert (res.substitutions, res.deletions, res.insertions) == (0, 0, 1)
    # an insertion costs no reference syllable, so accuracy stays perfect ...
    assert res.syllable_accuracy == 1.0
    # ... while WER charges it
    assert res.wer == pytest.approx(1 / 7)


def test_substituted_word_is_counted_once() -> None:
    res = measure("Ban Thường vụ Tinh uỷ", "Ban Thường vụ Tỉnh uỷ")
    assert (res.substitutions, res.deletions, res.insertions) == (0, 0, 0)
    res = measure("Ban Thường vụ Tình uỷ", "Ban Thường vụ Thành uỷ")
    assert (res.substitutions, res.deletions, res.insertions) == (1, 0, 0)
    assert res.hits_base == 4


def test_cer_one_character_change() -> None:
    ref = "Sóc Trăng"  # 9 characters
    assert cer("Sóc Trắng", ref) == pytest.approx(1 / 9)
    assert cer("Sóc  \n Trăng ", ref) == 0.0  # whitespace runs collapse
    assert cer("sóc Trăng", ref) == pytest.approx(1 / 9)  # case-sensitive


def test_wer_basic() -> None:
    assert wer("Sóc Trăng ngày 23", "Sóc Trăng, ngày 23") == pytest.approx(1 / 4)
    assert wer("a b c d e", "a") == pytest.approx(4.0)  # may exceed 1


def test_changed_fraction_two_words() -> None:
    before = "Ban Thường vụ Tỉnh uỷ yêu cầu các cấp uỷ"  # 10 syllables
    after = "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy"  # two re-styled
    assert changed_fraction(before, after) == pytest.approx(2 / 10)
    assert changed_fraction(before, before) == 0.0
    # a deleted word also counts as changed
    assert changed_fraction(before, "Ban Thường vụ Tỉnh uỷ cầu các cấp uỷ") == pytest.approx(1 / 10)


def test_empty_hypothesis() -> None:
    res = measure("", DATE_LINE)
    assert res.hyp_syllables == 0
    assert res.deletions == 12
    assert res.syllable_accuracy == 0.0
    assert res.syllable_accuracy_base == 0.0
    assert res.diacritic_error_rate == 0.0
    assert res.cer == 1.0
    assert res.wer == 1.0


def test_empty_reference() -> None:
    # Convention: empty ref -> accuracy 1.0 (rates 0.0) if hyp empty, else 0.0 (rates 1.0).
    both = measure("", "  ")
    assert both.syllable_accuracy == 1.0
    assert both.syllable_accuracy_style == 1.0
    assert both.cer == 0.0 and both.wer == 0.0
    assert changed_fraction("", "") == 0.0

    res = measure("Sóc Trăng", "")
    assert res.insertions == 2
    assert res.syllable_accuracy == 0.0
    assert res.syllable_accuracy_base == 0.0
    assert res.cer == 1.0 and res.wer == 1.0
    assert changed_fraction("", "Sóc Trăng") == 1.0


def test_punctuation_only_reference() -> None:
    res = measure("", "- , .")
    assert res.ref_syllables == 0
    assert res.syllable_accuracy == 1.0


def test_unknown_level_rejected() -> None:
    with pytest.raises(ValueError):
        syllable_accuracy("a", "a", level="nope")  # type: ignore[arg-type]


def test_large_text_measures_every_syllable() -> None:
    ref = " ".join([PARAGRAPH] * 500)
    hyp = strip_diacritics(ref)
    res = measure(hyp, ref)
    assert res.ref_syllables > 18_000
    assert res.syllable_accuracy_base == 1.0
