"""Intent rules and stage: what a post does, in Chinese and English, with the cue words shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from heard.models.intent_cues import find_cues
from heard.models.intent_rules import LABELS, classify, model_name
from heard.pipeline import Batch, build_pipeline
from heard.pipeline.stage import Stage
from heard.records import Post
from heard.stages.embed import EmbedStage
from heard.stages.intent import IntentStage
from heard.stages.normalise import NormaliseStage

CASES = [
    ("长乐路又停水了，已经三天了，谁来管管？", "complaint"),
    ("XX化工厂排放废气，气味刺鼻，令人作呕", "complaint"),
    ("投诉A3区某小区物业乱收费\n物业每月多收停车费，多次反映无果。", "complaint"),
    ("Still no water on Elm St after 3 days and nobody fixed it. Fed up.", "complaint"),
    ("建议在实验小学门口增设红绿灯\n上下学高峰车多，孩子过马路很危险。", "suggestion"),
    ("The council should add more bike lanes on Main Street.", "suggestion"),
    ("咨询A市人才购房补贴申请条件\n请问本科毕业生在哪里办理？", "question"),
    ("How do I apply for a residents' parking permit?", "question"),
    ("表扬A2区环卫工人\n感谢环卫工人连夜清理积雪，辛苦了，为你们点赞！", "praise"),
    ("Thanks to the crews who fixed the streetlight on Oak Ave so fast, great job!", "praise"),
    ("人民路口水管爆裂，水漫到马路上了，车辆无法通行", "incident_report"),
    ("Huge fire at the warehouse on 5th Street right now, smoke everywhere", "incident_report"),
]


@pytest.mark.parametrize(("text", "label"), CASES)
def test_each_intent_in_both_languages(text, label):
    result = classify(text)
    assert result.label == label, (result.label, result.weights)
    assert result.cues[label], "the label shows the words it rests on"
    assert 0 < result.confidence <= 1


def test_courtesy_thanks_is_not_praise():
    request = "咨询A7县幼儿园学位问题\n想了解学位怎么申请，费用多少，谢谢。"
    assert classify(request).label == "question"
    assert not find_cues(request).praises
    assert not find_cues("请尽快处理，谢谢！").praises
    assert find_cues("感谢社区工作人员，问题很快就解决了，非常满意！").praises


def test_thanks_inside_a_complaint_stays_a_complaint():
    text = "感谢领导百忙之中阅读。小区旁的搅拌站日夜施工，噪音扰民，多次投诉至今未解决。"
    assert classify(text).label == "complaint"
    assert not find_cues(text).praises


def test_no_cue_is_other_and_empty_text_is_safe():
    assert classify("The meeting is at 3pm in room 204.").label == "other"
    assert classify("").label == "other" and classify("").confidence == 0.0
    assert classify("Fire up the grill, deadline tonight").label != "incident_report"


def test_the_stage_follows_the_protocol_and_explains_itself():
    from heard.models import make_embedder

    posts = [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text=text,
            created_at=datetime(2020, 1, 1, tzinfo=UTC),
        )
        for i, (text, _) in enumerate(CASES)
    ]
    stage = IntentStage()
    assert isinstance(stage, Stage) and stage.model.startswith("heard-intent-head@")
    pipeline = build_pipeline([NormaliseStage(), EmbedStage(make_embedder("use-int8")), stage])
    batch = pipeline.run(Batch(posts))
    assert batch["intent_label"] == [label for _, label in CASES]
    assert all(label in LABELS for label in batch["intent_label"])
    evidence = batch["intent_evidence"][0]
    assert evidence["model"] == stage.model and evidence["label"] == "complaint"
    assert evidence["rules_label"] == "complaint"  # the rules (model_name()) are one feature
    assert "谁来管" in evidence["cues"]["complaint"]
    assert len(batch["intent_confidence"]) == len(CASES)


def test_the_stage_needs_normalised_text_and_the_embedding():
    from heard.errors import PipelineConfigError

    with pytest.raises(PipelineConfigError):
        build_pipeline([IntentStage()])
    with pytest.raises(PipelineConfigError):
        build_pipeline([NormaliseStage(), IntentStage()])
    assert model_name().startswith("heard-intent-rules@")
