"""The compiled tables and decoder agree with the slow reference implementations."""

import itertools

import numpy as np

from diacritic_restore.restore import kernels
from diacritic_restore.restore.channel import Channel, Profile


def test_hash_table_scores_match_reference_lm(restorer):
    lm = restorer.lm
    words = "công tác kết nạp đảng viên của tỉnh uỷ ban thường vụ nghị quyết xyzzy".split()
    ids = [lm.index.get(w, lm.index["<unk>"]) for w in words]
    for u, v, w in itertools.islice(itertools.product(ids, repeat=3), 0, 2000, 7):
        fast = kernels.trigram(u, v, w, restorer.lp1, restorer.bow1, restorer.t2, restorer.sh2,
                               restorer.t3, restorer.sh3)
        assert abs(fast - lm._logprob_ids([u, v, w])) < 0.011  # stored in hundredths of a nat


def test_viterbi_finds_the_best_path_of_a_small_lattice(restorer):
    """Exhaustive search over a 4-position lattice gives the same answer."""
    lm = restorer.lm
    cands = [["cống", "công", "cộng"], ["tắc", "tác", "tạc"], ["két", "kết", "kẹt"], ["nắp", "nạp", "nấp"]]
    cid, cstart, cend = [], [], []
    for c in cands:
        cstart.append(len(cid))
        cid.extend(lm.index.get(w, lm.index["<unk>"]) for w in c)
        cend.append(len(cid))
    costs = np.zeros(len(cid))
    choice = np.zeros(4, dtype=np.int64)
    alts = np.zeros(len(cid))
    kernels.viterbi(np.array(cstart), np.array(cend), np.array(cid), costs,
                    np.array([True, False, False, False]), restorer.bos, restorer.eos, 1.0, 1e9,
                    restorer.lp1, restorer.bow1, restorer.t2, restorer.sh2, restorer.t3, restorer.sh3,
                    choice, alts, True)
    best = max(itertools.product(*cands), key=lambda seq: lm.score_sentence(list(seq)))
    assert [cands[i][choice[i]] for i in range(4)] == list(best) == ["công", "tác", "kết", "nạp"]


def test_compiled_channel_matches_edit_distance_semantics(restorer):
    chan = Channel(restorer.table, Profile(0.0, 1.0, 0.0))
    # the strip channel: losing marks is free, anything else is (nearly) impossible
    assert chan.cost("dang", "đảng") < 1e-6
    assert chan.cost("dang", "dang") < 1e-6
    assert chan.cost("đang", "đảng") > 20
    ocr = Channel(restorer.table, Profile(0.0, 0.0, 1.0))
    assert ocr.cost("ciia", "của") < ocr.cost("ciia", "chia")
