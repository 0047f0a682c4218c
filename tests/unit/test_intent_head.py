"""The intent head: its training data (written for Heard), the shipped arrays, and clear messages
of each intent in Chinese and English — written here, not taken from the evaluation set."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest

from heard.errors import ModelError
from heard.models.intent_head import CUE_FEATURES, load_intent_head
from heard.models.intent_rules import LABELS
from heard.models.sentiment_head import HEADS_DIR
from heard.models.train_intent import EXAMPLES, load_examples
from heard.pipeline import Batch, build_pipeline
from heard.records import Post
from heard.stages import EmbedStage, NormaliseStage
from heard.stages.intent import IntentStage

CLEAR = [
    # (title or None, text, label)
    ("投诉城东菜市场周边占道经营", "摊贩把整条人行道都占满了，老人只能走机动车道，反映多次没人管。",
     "complaint"),
    (None, "楼下酒吧每天放音乐到凌晨三点，吵得全楼没法睡觉，报警好几次都没用，气死了！",
     "complaint"),
    (None, "The landlord has ignored our broken heater for a month and keeps raising the rent.",
     "complaint"),
    (None, "Garbage hasn't been collected on our street for three weeks. Nobody at the city "
     "answers.", "complaint"),
    ("建议在城西新区增设一所公办小学",
     "新区入住的家庭越来越多，孩子上学要跨区，建议规划一所公办小学。", "suggestion"),
    (None, "建议地铁在周五和周六晚上延长运营到凌晨一点，方便市民夜间出行。", "suggestion"),
    (None, "The city should build a covered bike parking area next to the train station.",
     "suggestion"),
    (None, "We need more free after-school programs for teenagers in the north end.", "suggestion"),
    ("咨询异地医保备案办理方式",
     "请问退休后在外省居住，医保异地备案可以在手机上办理吗？需要什么材料？", "question"),
    (None, "请问护照办理需要多长时间？可以在周末去出入境大厅办吗？", "question"),
    (None, "How do I register my dog with the city, and how much is the licence?", "question"),
    (None, "What time does the recycling center open on Saturdays?", "question"),
    ("表扬市政维修队", "我们小区门口的路灯坏了，打电话第二天就修好了，师傅们很负责，特此表扬！",
     "praise"),
    (None, "感谢消防员叔叔们冒着大雨救出被困的群众，你们辛苦了，为你们点赞！", "praise"),
    (None, "Huge thanks to the library staff for the wonderful reading program this summer. "
     "Great job!", "praise"),
    (None, "Shoutout to the paramedics who helped my mom yesterday, you were amazing.", "praise"),
    (None, "刚刚解放路和中山路路口一辆公交车和货车相撞，有人受伤，路口已经堵死了！",
     "incident_report"),
    (None, "突发！城北一栋居民楼起火，浓烟很大，消防车正在赶来。", "incident_report"),
    (None, "Water main just burst on 3rd Street, the road is flooding right now.",
     "incident_report"),
    (None, "Breaking: fire at the warehouse near the port, heavy smoke, avoid the area.",
     "incident_report"),
    (None, "今天去公园拍了好多樱花照片，真好看。", "other"),
    (None, "周末和家人一起去吃了火锅，开心。", "other"),
    (None, "Watching the game tonight with friends, can't wait!", "other"),
    (None, "New report says the region's population grew 2% last year.", "other"),
]  # fmt: skip


@pytest.fixture(scope="module")
def embedder():
    from heard.models import make_embedder

    return make_embedder("use-int8")


def run(embedder, items):
    posts = [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text=text,
            title=title,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        for i, (title, text, _label) in enumerate(items)
    ]
    pipeline = build_pipeline([NormaliseStage(), EmbedStage(embedder), IntentStage()])
    return pipeline.run(Batch(posts))


def test_training_data_loads_and_covers_every_intent_in_both_languages():
    examples = load_examples()
    assert len(examples) >= 600
    per = Counter((e.label, e.lang) for e in examples)
    for label in LABELS:
        assert per[(label, "zh")] >= 20 and per[(label, "en")] >= 20, (label, per)
    titled = [e for e in examples if e.title]
    assert titled and all(e.body for e in titled)
    texts = {e.body for e in examples}
    assert not any(text in texts for _title, text, _label in CLEAR), "test texts are not training"


def test_a_malformed_example_line_is_refused(tmp_path):
    bad = tmp_path / "x.tsv"
    bad.write_text("complaint\tzh\t又停水了\nrant\ten\tnot a label\n", encoding="utf-8")
    with pytest.raises(ModelError, match="line 2"):
        load_examples(bad)


def test_clear_examples_of_each_intent_get_their_label(embedder):
    batch = run(embedder, CLEAR)
    got = list(zip(batch["intent_label"], [label for _t, _x, label in CLEAR]))
    wrong = [(text, g, want) for (g, want), (_t, text, _l) in zip(got, CLEAR) if g != want]
    assert not wrong, wrong
    for evidence, confidence in zip(batch["intent_evidence"], batch["intent_confidence"]):
        assert evidence["model"] == IntentStage().model
        assert evidence["label"] in evidence["probabilities"]
        assert 0 < confidence <= 1
        assert evidence["rules_label"] in LABELS


def test_the_shipped_head_loads_and_refuses_a_mismatched_pair(tmp_path):
    head = load_intent_head()
    assert set(head.classes) == set(LABELS)
    assert head.coef.shape == (head.dim + len(CUE_FEATURES), len(head.classes))
    assert head.meta["training_data"].startswith(EXAMPLES.name)
    for name in ("intent.npz", "intent.json"):
        shutil.copy(HEADS_DIR / name, tmp_path / name)
    data = bytearray((tmp_path / "intent.npz").read_bytes())
    data[-20] ^= 0xFF
    (tmp_path / "intent.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_intent_head(tmp_path)
    with pytest.raises(ModelError, match="not found"):
        load_intent_head(tmp_path / "missing")


def test_the_stage_refuses_an_embedder_it_was_not_trained_on():
    with pytest.raises(ModelError, match="trained on"):
        IntentStage(embedder_name="st:/models/other@1")


def test_retraining_on_the_examples_reproduces_the_shipped_head(tmp_path):
    import json

    from heard.models.train_intent import HEADS_DIR, train
    from heard.pipeline.embedder_check import embedder_spec

    # with the embedder the shipped head records (the per-call int8 vectors it was trained on)
    trained_on = json.loads((HEADS_DIR / "intent.json").read_text("utf-8"))["embedder"]
    head = train(tmp_path, embedder_spec=embedder_spec(trained_on) or "use-int8")
    shipped = load_intent_head()
    assert head.classes == shipped.classes
    # int8 kernels round differently by CPU: retrained on an AVX2 AMD EPYC, the weights moved by
    # up to 0.0065 from those trained on the machine that shipped the head (1e-4 there)
    np.testing.assert_allclose(head.coef, shipped.coef, atol=0.02)
    np.testing.assert_allclose(head.intercept, shipped.intercept, atol=0.02)
