"""The ``harm_embedded`` head: a review-only detector that reads the post's sentence embedding
(issue 19). The texts here were written for this test, not taken from any training or probe set.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from heard.errors import ModelError
from heard.models import make_embedder
from heard.protect.detectors.embedded_head import EmbeddedHeadDetector, vetoed
from heard.protect.heads import HEADS_DIR
from heard.protect.heads.embedded import DEFAULT_HEAD, NONE, load_embedded_head
from heard.protect.stage import HarmStage

DOXXING = "这个骂我的人叫李建国，在城南派出所旁边开五金店，住幸福小区5栋，大家有空去他店里坐坐。"
LEGITIMATE = [
    "市政府对老旧小区改造的拖延令人失望，我们要求公开预算和时间表。",
    "警察执法粗暴，我要求纪委调查这位民警的行为。",
    "The mayor lied about the budget again. Vote her out in November.",
    "周五下午三点在市政府门口和平请愿，要求恢复夜班公交，请带上身份证明。",
    "这家店的烤鸭真好吃，推荐大家去尝尝，价格也不贵。",
]


@pytest.fixture(scope="module")
def embedder():
    return make_embedder("use-int8")


@pytest.fixture(scope="module")
def stage(embedder):
    return HarmStage(embedder_name=embedder.name)


def test_the_shipped_head_loads_with_its_labels_and_thresholds():
    head = load_embedded_head()
    assert head.model == "harm_embedded@1"
    assert NONE in head.classes
    # scams and spam stay with the word detectors; harassment was left out (model card)
    assert set(head.labels).isdisjoint({"scam_fraud", "spam", "harassment"})
    assert {"doxxing", "sexual_solicitation", "contraband_sale"} <= set(head.labels)
    assert all(0.5 < head.thresholds[label] <= 0.995 for label in head.labels)
    assert head.fits("use-multilingual-v3@0.2.1+sentencepiece-0.2.3+int8")
    assert not head.fits("st:my-model@local") and not head.fits(None)


def test_a_tampered_head_is_refused(tmp_path):
    for suffix in (".npz", ".json"):
        shutil.copy(HEADS_DIR / f"{DEFAULT_HEAD}{suffix}", tmp_path / f"{DEFAULT_HEAD}{suffix}")
    npz = tmp_path / f"{DEFAULT_HEAD}.npz"
    npz.write_bytes(npz.read_bytes()[:-8] + b"\0" * 8)
    with pytest.raises(ModelError, match="sha256"):
        load_embedded_head(tmp_path)


def test_vectors_of_another_size_are_an_error_that_names_the_embedder():
    with pytest.raises(ModelError, match="512-d"):
        load_embedded_head().probabilities(np.zeros((1, 384)))


def test_a_new_wording_of_doxxing_is_flagged_from_its_vector_only(stage, embedder):
    vectors = embedder.encode([DOXXING])
    assert stage.flag_texts([DOXXING]) == [[]]  # the rules and word heads miss this wording
    [flags] = stage.flag_texts([DOXXING], vectors)
    [flag] = flags
    assert flag["label"] == "doxxing" and flag["detector"] == "embedded_head"
    assert flag["score"] >= flag["threshold"]
    assert flag["details"]["review_only"] is True
    assert flag["details"]["runner_up"]["class"] != "doxxing"
    assert flag["nearest_examples"]["positive"], "the moderator sees what the label means"


def test_legitimate_speech_gets_no_flag_from_the_head(stage, embedder):
    flags = stage.flag_texts(LEGITIMATE, embedder.encode(LEGITIMATE))
    assert flags == [[] for _ in LEGITIMATE]


def test_the_doxxing_rules_exceptions_veto_the_heads_doxxing_flag(embedder):
    detector = EmbeddedHeadDetector()
    vector = embedder.encode([DOXXING])
    appeal = "寻人启事：我爷爷今天早上在菜市场走失，穿灰色外套，如有看到请联系家人。"
    office = "城南派出所的投诉电话是多少？我要反映民警的问题。"
    assert vetoed("doxxing", appeal) and vetoed("doxxing", office)
    assert not vetoed("doxxing", DOXXING)
    # the same vector under each text: only the exceptions' texts lose the flag
    got = detector.detect_vectors([DOXXING, appeal, office], np.vstack([vector] * 3))
    assert [[f.label for f in fl] for fl in got] == [["doxxing"], [], []]


def test_the_head_runs_only_with_an_embedder_of_its_family():
    assert HarmStage().vector_detector is None
    assert HarmStage(embedder_name="st:my-model@local").vector_detector is None
    stage = HarmStage(embedder_name="use-multilingual-v3@0.2.1+sentencepiece-0.2.3")
    assert stage.vector_detector is not None
    assert "embedded_head@harm_embedded@1" in (stage.model or "")


def test_the_contraband_rules_legitimate_context_vetoes_the_heads_contraband_flag(embedder):
    detector = EmbeddedHeadDetector()
    offer = "Selling pills, coke and molly, fast discreet delivery anywhere in town, hit me up."
    seizure = "警方昨天在城南缴获一批冰毒和两把手枪，提醒市民发现线索及时举报。"
    assert vetoed("contraband_sale", seizure) and not vetoed("contraband_sale", offer)
    got = detector.detect_vectors([offer, seizure], np.vstack([embedder.encode([offer])] * 2))
    assert [[f.label for f in fl] for fl in got] == [["contraband_sale"], []]
