"""The protect detectors: legitimate speech comes through unflagged, harms get the right label,
and every flag explains itself with spans that point into the author's text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from heard.errors import ModelError
from heard.pipeline.batch import Batch
from heard.pipeline.stage import Stage
from heard.protect.detectors import OffensiveDetector, RuleDetector, default_detectors
from heard.protect.detectors.doxxing import DoxxingDetector, Span, find_spans
from heard.protect.detectors.rules import load_ruleset
from heard.protect.heads import load_head
from heard.protect.stage import HarmStage
from heard.protect.taxonomy import LABELS, load_taxonomy
from heard.records import Post

RIGHTS = Path(__file__).resolve().parents[1] / "fixtures" / "rights_speech.jsonl"


@pytest.fixture(scope="module")
def stage() -> HarmStage:
    return HarmStage()


def rights_texts() -> list[str]:
    return [json.loads(line)["text"] for line in RIGHTS.read_text(encoding="utf-8").splitlines()]


def test_no_detector_flags_legitimate_speech(stage):
    """RIGHTS.md §1: criticism, satire, protest, whistleblowing, religion, minority languages."""
    texts = rights_texts()
    flags = stage.flag_texts(texts)
    flagged = [(t[:40], [f["label"] for f in fl]) for t, fl in zip(texts, flags) if fl]
    assert len(texts) == 40 and flagged == []


def test_no_detector_flags_any_taxonomy_negative(stage):
    negatives = [e for e in load_taxonomy().examples if not e.positive]
    flags = stage.flag_texts([e.text for e in negatives])
    flagged = [(e.id, [f["label"] for f in fl]) for e, fl in zip(negatives, flags) if fl]
    assert len(negatives) >= 200 and flagged == []


def test_train_positives_get_their_own_label(stage):
    tax = load_taxonomy()
    for label in LABELS:
        rows = tax.examples_for(label, split="train", polarity="positive")
        flags = stage.flag_texts([e.text for e in rows])
        hit = [label in {f["label"] for f in fl} for fl in flags]
        assert sum(hit) / len(hit) >= 0.9, (label, [e.id for e, h in zip(rows, hit) if not h])


def test_flag_evidence_spans_point_into_the_text(stage):
    tax = load_taxonomy()
    rows = tax.examples_for(polarity="positive")
    for e, flags in zip(rows, stage.flag_texts([e.text for e in rows])):
        for f in flags:
            assert f["label"] in LABELS and f["score"] >= f["threshold"]
            assert f["detector"] and f["version"] and f["rule"]
            for m in f["matches"]:
                assert e.text[m["start"] : m["end"]] == m["text"], (e.id, m)


class ConstantHead:
    """A COLD head that always says the same thing (to test that the head alone never flags)."""

    def __init__(self, p: float):
        self.p, self.model = p, "constant@0"

    def proba(self, texts):
        return np.full(len(texts), self.p)

    def top_features(self, text, k=5):
        return []


def test_an_offensive_head_alone_never_flags():
    always = OffensiveDetector(head=ConstantHead(1.0))
    negatives = [e.text for e in load_taxonomy().examples if not e.positive] + rights_texts()
    assert not any(always.detect(negatives))


def test_the_cold_head_vetoes_chinese_insults_it_does_not_confirm():
    text = "@小王 你就是个废物，脑子被驴踢了吧，滚出这个群。"
    assert OffensiveDetector(head=ConstantHead(0.9)).detect([text])[0][0].label == "harassment"
    assert OffensiveDetector(head=ConstantHead(0.1)).detect([text]) == [[]]
    english = "You're so stupid it hurts. Shut your mouth, moron."
    flag = OffensiveDetector(head=ConstantHead(0.0)).detect([english])[0][0]
    assert flag.label == "harassment" and flag.details["head"] is None


def test_a_telecom_fraud_flag_explains_itself():
    text = "我是你们王总，现在在开会不方便，你先转38万到这个账户，这事别声张。"
    flag = RuleDetector("scam_fraud").flag(text)
    assert flag is not None and flag.rule == "impersonation_transfer"
    assert {m.cue for m in flag.matches} >= {"transfer", "impersonate_boss"}
    assert "scam_fraud" in flag.explain() and "impersonation_transfer" in flag.explain()


def test_a_scam_warning_is_not_a_scam():
    warning = "提醒：公检法不存在安全账户，凡是要求把钱转入安全账户的都是诈骗。"
    assert RuleDetector("scam_fraud").flag(warning) is None


def test_a_rule_file_naming_an_undefined_cue_is_refused(tmp_path):
    bad = tmp_path / "spam.toml"
    bad.write_text(
        'label = "spam"\n[cues]\na = ["x"]\n[[rules]]\nname = "r"\nscore = 1\nall = ["a", "b"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="not defined: \\['b'\\]"):
        load_ruleset(bad)


def test_a_rule_file_with_a_bad_pattern_or_label_is_refused(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text('label = "spam"\n[cues]\na = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(ModelError, match="bad pattern"):
        load_ruleset(bad)
    bad.write_text('label = "political_opinion"\n', encoding="utf-8")
    with pytest.raises(ModelError, match="not in the closed taxonomy"):
        load_ruleset(bad)


def test_doxxing_reads_spans_from_any_finder():
    text = "人肉到了，他叫刘某，家住锦绣华庭2栋1801，大家去他家讨说法。"
    assert DoxxingDetector(span_finder=lambda t: []).flag(text) is None
    hook = DoxxingDetector(span_finder=lambda t: [Span("address", 10, 19, t[10:19])])
    flag = hook.flag(text)
    assert flag is not None and flag.details["span_kinds"] == ["address"]


def test_minimal_spans_check_the_chinese_id_checksum():
    assert [s.kind for s in find_spans("身份证号110101199003074514")] == ["id_number"]
    assert find_spans("身份证号110101199003074515") == []


def test_public_offices_are_not_doxxing():
    text = "大家给市城管局局长办公室打电话，投诉电话12345，地址是人民路20号。"
    assert DoxxingDetector().flag(text) is None


def test_a_call_to_ring_a_private_person_and_abuse_them_is_doxxing():
    """Written probing the protect side (2026-12-06): a private person's mobile with a call to
    ring and abuse them was not flagged ('打电话骂' and 'call and tell him' were no cues)."""
    for text in (
        "这家黑心装修公司老板电话13712345678，大家打电话骂死他",
        "The contractor who ripped us off is Bob, his cell is 415-555-0134, everybody call and "
        "tell him what you think",
    ):
        flag = DoxxingDetector().flag(text)
        assert flag is not None and flag.label == "doxxing", text
    for text in (
        "市城管局局长张伟不作为，局长办公室电话0755-12345678，大家打电话问问他为什么不管",
        "我的电话13712345678，打电话过去还被客服骂了一顿，有同样遭遇的请联系我",
        # 附件3: a complaint about harassing calls (the first draft's '打电话骚扰' flagged it)
        "A市阳光医院无故打电话骚扰百姓正常生活，(电话:0731——0000-00000000现在电话处于停止使用状态)",
        "社区工作人员每周打电话问候独居老人，我的电话13712345678，欢迎志愿者加入",
        # a signed letter telling what the writer did ('我去找她退钱'): a Teddy Cup message of
        # this shape was flagged, paraphrased here
        "尊敬的领导：我报了旅行社的团，想退一个人的钱，我去找她退钱时却扣了我110元，"
        "请领导主持公道。联系电话 13712345678",
    ):
        assert DoxxingDetector().flag(text) is None, text


def test_harm_stage_follows_the_stage_protocol():
    stage = HarmStage()
    assert isinstance(stage, Stage) and stage.assigns == ("flags",)
    texts = ["今天天气不错", "Selling coke and pills, same-day delivery, message on Telegram."]
    posts = [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text=t,
            created_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        for i, t in enumerate(texts)
    ]
    batch = stage.process(Batch(posts))
    assert batch["flags"][0] == []
    assert [f["label"] for f in batch["flags"][1]] == ["contraband_sale"]
    assert "harm-taxonomy@" in stage.model


def test_default_detectors_cover_every_label():
    stage = HarmStage(default_detectors())
    tax = load_taxonomy()
    labels = set()
    for flags in stage.flag_texts([e.text for e in tax.examples_for(polarity="positive")]):
        labels |= {f["label"] for f in flags}
    assert labels == set(LABELS)


def test_shipped_heads_are_small_and_hashed():
    for name in ("cold", "sms_spam"):
        head = load_head(name)
        npz = Path(__file__).resolve().parents[2] / "src/heard/protect/heads" / f"{name}.npz"
        assert npz.stat().st_size < 5_000_000
        assert head.meta["training_data"]["license"]


def test_cues_scattered_over_a_long_complaint_do_not_fire_a_windowed_rule():
    close = "想让世界听到我们，就必须让地铁爆炸。"
    far = (
        "关于地铁站口占道经营的投诉："
        + "摊贩长期占用出口，行人只能绕行。" * 6
        + "相关部门必须从严执法。另外听说隔壁工地有爆炸声，请一并核查。"
    )
    detector = RuleDetector("terrorism_incitement")
    assert detector.flag(close) is not None
    assert detector.flag(far) is None


def test_a_citizen_giving_their_own_address_is_not_doxxing():
    text = "我是翠园小区5栋302的业主，楼下餐馆油烟扰民，请环保部门给我打电话了解情况。"
    assert DoxxingDetector().flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "你以为法院是吃屎的？收了钱还判成这样，这种司法让人寒心。",  # vulgar court criticism
        "我需要到税务局代开房屋租金发票，请问要带哪些材料？",  # a tax-office service, not spam
        "请加大对我们镇地下六合彩和百家乐赌博机的打击力度，派出所一直不管。",  # reporting gambling
        "开发商迟迟不给业主办理房产证，贷款利息却一直在扣，保证金也不退。",  # housing complaint
        "作为一个满脸红包的人，明天的聚会我真不想去！！！！",  # 红包 = pimples
        "I bet the council will ignore this petition too. Please follow back and share.",
        "Everyone keeps calling me a slut for reporting my boss. Slut-shaming victims must stop.",
        # a UK mobile's first five digits read as a premium short code: sms_spam 0.93, automated
        "The pothole on Elm St is still there after 3 weeks. Call me on 07700 900123 if you "
        "need details.",
        # TweetEval, 2026-12-06: cues without word boundaries ("just jump" in "just jumped",
        # "weed" in "#bosstweed", "market" in "#MarketingTips") and a call to protect civilians
        "@user @user And we don't need Levi jeans who just jumped on the gun control band wagon.",
        "#trumptrain #maga #draintheswamp #neverRomney Okee Dokee, I just jumped off the Mitchell "
        "train. Oh well, I can't to…",
        "Open door policy is not due to #altruistic reasons, its hyping the real estate market "
        "which saves the banks, + old #Leftist trick to buy votes. #bosstweed",
        "#MarketingTips #ListBuilding I'm going to show you how to build your own private, online "
        "'traffic economy' so you are never short of prospects and sales again",
        "@user I'm not sure we like this comparison.  USA should emulate #Israel's methods of "
        "protecting civilians against #terror attacks",
    ],
)
def test_real_life_near_misses_are_not_flagged(stage, text):
    assert stage.flag_texts([text]) == [[]]


def test_a_flag_carries_the_nearest_written_examples_of_its_label(stage):
    text = "您好，我是市公安局的，您涉嫌洗钱，请马上把存款转入安全账户配合调查。"
    (flag,) = stage.flag_texts([text])[0]
    near = flag["nearest_examples"]
    assert flag["label"] == "scam_fraud"
    assert near["positive"][0]["id"].startswith("scam_fraud.zh.pos")
    assert near["negative"] and all(e["id"].startswith("scam_fraud.") for e in near["negative"])
    assert near["positive"][0]["similarity"] > near["negative"][0]["similarity"]


def test_word_bounded_cues_still_catch_what_they_are_for(stage):
    for text, label in (
        ("just jump off the bridge already, nobody would miss you", "self_harm_promotion"),
        ("selling weed and molly, dm me for prices", "contraband_sale"),
    ):
        assert label in {f["label"] for f in stage.flag_texts([text])[0]}, text
