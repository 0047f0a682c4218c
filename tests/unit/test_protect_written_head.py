"""The ``written`` scam/spam heads: trained on our own texts only, never on the held-out sets,
quiet on legitimate speech, explained, and for review only (never actioned automatically)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from heard.protect.detectors import WrittenHeadDetector
from heard.protect.detectors.flag import Flag
from heard.protect.heads import HEADS_DIR, load_head, make_vectorizer
from heard.protect.stage import merge_flags
from heard.protect.train_written import (
    DEALT,
    HEAD_NAMES,
    LABELS,
    WRITTEN_SETS,
    folds,
    training_rows,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SCAM = "妈，我手机掉水里了，这是同学的号，急需交培训费3800，先转到这个卡上，别告诉爸。"


def _jsonl(name: str) -> list[dict]:
    return [json.loads(x) for x in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def detector() -> WrittenHeadDetector:
    return WrittenHeadDetector()


def test_the_heads_ship_with_a_threshold_a_card_and_no_held_out_data():
    for label, name in HEAD_NAMES.items():
        head = load_head(name)
        assert head.meta["label"] == label and 0.5 < head.threshold < 1.0
        sources = json.dumps(head.meta["training_data"])
        assert "v4" not in sources and "v5" not in sources and "rights_speech" not in sources
    card = (HEADS_DIR / "written.MODEL_CARD.md").read_text(encoding="utf-8")
    assert "SMS Spam Collection" in card and "protect_probes_v4" in card


def test_training_rows_leave_out_the_held_out_sets(tmp_path):
    sms = tmp_path / "sms_spam_collection"
    sms.mkdir()
    (sms / "SMSSpamCollection.tsv").write_text(
        "ham\tsee you at 6\nspam\tWIN £100 txt WIN to 80082\n" * 4, encoding="utf-8"
    )
    rows = training_rows(tmp_path)
    held_out = {
        r["text"]
        for name in (
            "protect_probes_v4.jsonl",
            "protect_probes_v5.jsonl",
            "rights_speech.jsonl",
            "legit_notices_blind.jsonl",
        )
        for r in _jsonl(name)
    }
    assert not held_out & {r["text"] for r in rows}
    assert {r["group"] for r in rows} == {*WRITTEN_SETS, *DEALT}
    assert {r["label"] for r in rows} == {*LABELS, None}
    for (train, test), group in zip(folds(rows), WRITTEN_SETS):
        assert not set(train) & set(test)
        assert all(rows[i]["group"] != group for i in train)  # a whole written set held out
        assert all(rows[i]["group"] in (group, *DEALT) for i in test)


def test_no_flag_on_legitimate_speech_it_never_saw(detector):
    rights = [r["text"] for r in _jsonl("rights_speech.jsonl")]
    assert detector.detect(rights) == [[] for _ in rights]


COMPLAINTS_WITH_A_NUMBER = [
    # written to probe the protect side (2026-12-06); the spam head scored each 0.75-0.96, its
    # top n-grams the digits of the writer's own phone number or card
    "楼下装修噪音扰民严重，已经持续一个月了，联系电话13712345678",
    "公交车司机态度恶劣，车牌粤B12345，时间下午3点，我电话18600001111",
    "退休金被拖欠三个月，电话13800138000，希望领导重视",
    "楼下噪音扰民严重，电话 137 1234 5679，银行卡 6222 0210 0112 3456 789 退款",
    "固话010-62345678 或者 (010) 6234 5679，座机 0755-8888 7777 投诉公交",
    "小区物业不作为，有事请联系我 13712345678，身份证110105199003071239",
]


def test_a_writers_own_phone_card_or_id_is_no_sign_of_spam(detector):
    assert detector.detect(COMPLAINTS_WITH_A_NUMBER) == [[] for _ in COMPLAINTS_WITH_A_NUMBER]


@pytest.mark.skipif(not (SHARED / "teddycup2020_c").is_dir(), reason="needs ../shared/data")
def test_no_flag_on_the_first_citizen_messages_of_attachment4(detector):
    import csv

    path = SHARED / "teddycup2020_c" / "attachment4_messages_with_official_replies.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        texts = [f"{r['留言主题']}\n{' '.join(r['留言详情'].split())}" for r in csv.DictReader(fh)]
    assert not any(detector.detect(texts[:500]))


def test_a_flag_is_explained_and_points_into_the_text(detector):
    [flags] = detector.detect([SCAM])
    [flag] = flags
    assert flag.label == "scam_fraud" and flag.score >= flag.threshold
    assert flag.detector == "written_head" and flag.version == "scam_fraud_written@1"
    assert flag.details["review_only"] is True and flag.details["head_ngrams"]
    assert flag.matches
    for m in flag.matches:
        assert SCAM[m.start : m.end] == m.text


def test_top_features_name_each_grams_own_weight():
    head = load_head("spam_written")
    text = "txt WIN to 80082"
    grams = dict(head.top_features(text, k=1000))
    vec = make_vectorizer(head.meta["vectorizer"])
    # the score is the dot product of the tf-idf row with the weights; a gram's own column
    # carries weight × idf, so the listed figures must match the columns the text hashes to
    row = vec.transform([text])
    own = {round(float(head.weights[c] * head.idf[c]), 3) for c in row.indices}
    assert set(grams.values()) <= own


class _Fixed:
    def __init__(self, p: float, threshold: float = 0.5):
        self.p, self.threshold, self.model = p, threshold, "fixed@0"

    def proba(self, texts):
        return np.full(len(texts), self.p)

    def top_features(self, text, k=5):
        return []


def test_a_review_only_flag_never_displaces_another_detectors_flag():
    head = WrittenHeadDetector({"spam": _Fixed(0.99)}).detect(["x"])[0][0]
    rule = Flag("spam", 0.85, 0.8, "rules.spam", "3", "promo")
    merged = merge_flags([[head], [rule]])
    assert [(f["detector"], f.get("also")) for f in merged] == [("rules.spam", ["written_head"])]
    merged = merge_flags([[rule], [head]])
    assert [(f["detector"], f.get("also")) for f in merged] == [("rules.spam", ["written_head"])]
    alone = merge_flags([[head]])
    assert alone[0]["detector"] == "written_head" and alone[0]["details"]["review_only"]
