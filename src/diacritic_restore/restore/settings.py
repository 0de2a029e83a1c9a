"""The decoder's knobs and thresholds (defaults tuned on held-out text, see bench/).

A frozen pydantic model so that it validates from a dict (the ``[decoder]`` table of a
TOML settings file) and can key the loaded-model cache.  The ``ocr_*`` thresholds are
compared with the document's OCR share (``Profile.ocr``, 0-1): how much of the text
looks read by an English-model OCR.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Decoder knobs (defaults tuned on held-out text, see bench/)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lm_weight: float = Field(1.0, ge=0, description="weight of the language model against the channel costs")
    max_candidates: int = Field(20, ge=1, description="candidates kept per token")
    keep_cost_unk: float = Field(4.0, ge=0, description="base cost of leaving an unknown token as it is")
    keep_cost_bare: float = Field(
        10.0, ge=0, description="extra keep cost, times the strip share, for bare letters that spell a known skeleton")
    keep_cost_digits: float = Field(6.0, ge=0, description="extra keep cost of a token mixing letters and digits")
    keep_cost_invalid: float = Field(
        10.0, ge=0, description="extra keep cost, times the OCR share, of a token that is no valid syllable")
    keep_cost_unknown: float = Field(
        4.0, ge=0, description="extra keep cost, times the OCR share, of a valid syllable the lexicon lacks")
    fuzzy_max_skeletons: int = Field(20, ge=0, description="nearest skeletons searched for a damaged token")
    fuzzy_known_skeletons: int = Field(10, ge=0, description="nearest skeletons searched for a known word in doubt")
    fuzzy_known_ocr: float = Field(
        0.5, ge=0, le=1, description="OCR share from which known words get fuzzy candidates too (Séc → Sóc)")
    prune_margin: float = Field(14.0, ge=0, description="candidates costing more than the best plus this are dropped")
    skeleton_candidates: int = Field(24, ge=1, description="syllables taken per exact skeleton, most frequent first")
    fuzzy_per_skeleton: int = Field(12, ge=1, description="syllables taken per near skeleton, most frequent first")
    number_cost: float = Field(0.5, ge=0, description="cost of reading a short number as a number, not a word")
    min_component_weight: float = Field(
        0.03, ge=0, description="channel components (clean, strip, ocr) lighter than this are skipped")
    case_weight: float = Field(
        1.0, ge=0, description="weight of the Title-case evidence of a capitalised word inside a sentence")
    name_keep_cost: float = Field(
        5.0, ge=0, description="extra cost, in a text layer, of reading a capitalised word inside a sentence "
                               "as anything but what is written (a name)")
    prior_weight: float = Field(0.3, ge=0, description="weight of the unigram prior when ranking candidates")
    beam: float = Field(11.0, ge=0, description="Viterbi states this far below their position's best are not extended")
    ocr_fuzzy_from: float = Field(
        0.3, ge=0, le=1, description="OCR share from which unknown tokens get candidates of near skeletons")
    ocr_symbols_from: float = Field(
        0.5, ge=0, le=1, description="OCR share from which symbols in or between words are letters (n@ → nữ)")
    ocr_numbers_from: float = Field(
        0.5, ge=0, le=1, description="OCR share from which short numbers may be misread words (161 → lối)")
    doubt_ocr_share: float = Field(
        0.35, ge=0, le=1, description="least OCR share of the channel for a word the OCR itself doubted")
