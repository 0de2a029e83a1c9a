import math

import numpy as np
import pytest

from diacritic_restore.restore import lexicon, lm
from diacritic_restore.text.tokens import lm_segments

TEXT = """Ban Thường vụ Tỉnh uỷ yêu cầu các cấp uỷ, tổ chức đảng quán triệt và thực hiện nghiêm.
Các cấp uỷ đảng tập trung lãnh đạo, chỉ đạo công tác kết nạp đảng viên.
Ban Thường vụ Tỉnh ủy giao Ban Tổ chức Tỉnh uỷ theo dõi, đôn đốc, kiểm tra việc thực hiện Chỉ thị.
Công tác kết nạp đảng viên trong giai đoạn mới cần được quan tâm lãnh đạo."""


def _train(order=3):
    segs = [(s, 1) for s in lm_segments(TEXT)]
    from collections import Counter

    counts = Counter(w for s, _ in segs for w in s)
    lex = lexicon.build(counts)
    seq, seg, wts = lm.encode_segments([([lexicon.canonical(w) if not w.startswith("<") else w for w in s], 1) for s, _ in segs], lex.words, order)
    return lex, lm.train_ids(seq, seg, wts, lex.words, order)


def test_lexicon_merges_tone_styles_and_indexes_skeletons():
    lex, _ = _train()
    assert lex.count("uỷ") == lex.count("ủy") >= 4
    cands = [lex.words[i] for i in lex.candidates("dang")]
    assert "đảng" in cands


def test_kneser_ney_distribution_sums_to_one():
    lex, model = _train()
    vocab = [w for w in lex.words if w not in ("<s>",)]
    for hist in (["kết", "nạp"], ["cấp"], []):
        total = sum(math.exp(model.logprob(w, hist)) for w in vocab)
        assert total == pytest.approx(1.0, abs=0.06), hist


def test_lm_prefers_the_real_sentence():
    _, model = _train()
    good = model.score_sentence("công tác kết nạp đảng viên".split())
    bad = model.score_sentence("công tác kết nạp đang viên".split())
    assert good > bad + 2


def test_model_roundtrip_and_version_header(tmp_path):
    lex, model = _train()
    path = tmp_path / "lm.npz"
    lm.save(model, path)
    back = lm.load(path)
    assert back.vocab == model.vocab
    assert back.logprob("viên", ["đảng"]) == pytest.approx(model.logprob("viên", ["đảng"]), abs=1e-2)
    lexicon.save(lex, tmp_path / "lexicon.tsv")
    assert lexicon.load(tmp_path / "lexicon.tsv").words == lex.words
    bad = tmp_path / "bad.npz"
    np.savez(bad, header=np.frombuffer(b'{"format": "vnrestore-lm", "version": 99}', dtype=np.uint8))
    with pytest.raises(lm.ModelFormatError, match="version 99"):
        lm.load(bad)
    (tmp_path / "junk.npz").write_bytes(b"not a model")
    with pytest.raises(lm.ModelFormatError):
        lm.load(tmp_path / "junk.npz")
