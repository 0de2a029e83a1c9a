from conftest import seed
from diacritic_restore.restore.channel import Channel, Profile, estimate_profile, learn_ocr
from diacritic_restore.text.syllable import strip_marks

PAIRS = [
    ("công tác kết nạp đảng viên của Đảng bộ tỉnh lên", "cong tac két nap dang vién ciia Pang bo tinh 1én"),
    ("nâng tổng số đảng viên của Đảng bộ tỉnh", "nang téng s6 dang vién ciia Pang bo tinh"),
    ("chấp hành nghiêm chủ trương, đường lối", "chap hanh nghiém chu truong, duong 161"),
    ("đội ngũ đảng viên, kết nạp đảng viên mới", "d6i ngii dang vién, két nap dang vién mdi"),
]


def test_learned_costs_reflect_english_ocr_confusions():
    table = learn_ocr(PAIRS)
    chan = Channel(table, Profile(0.0, 0.0, 1.0))
    # ế read as é is a typical confusion: cheaper than an unseen é for ố
    assert chan.cost("két", "kết") < chan.cost("két", "kốt")
    assert chan.cost("1én", "lên") < chan.cost("1én", "nên")
    assert chan.cost("pang", "đảng") < chan.cost("pang", "làng")


def test_profiles_of_the_seed_documents():
    assert estimate_profile(seed("001").split()).name == "clean"
    assert estimate_profile(seed("000").split()).name == "ocr"
    assert estimate_profile(strip_marks(seed("001")).split()).name == "strip"


def test_clean_profile_trusts_the_marks():
    table = learn_ocr(PAIRS)
    clean = Channel(table, Profile(0.93, 0.05, 0.02))
    assert clean.cost("kết", "kết") < 0.2
    assert clean.cost("kết", "két") > 5
