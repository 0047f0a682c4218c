"""Completeness, ask by ask: numbered points, hand-offs, promises, and the per-ask explanation.

The messages and replies are written for these tests. Each test pits a reply that answers an ask
against one that does not, so a scorer that judged the reply as a whole would fail it.
"""

from __future__ import annotations

from heard.answer.replies import score_completeness
from heard.answer.replies_completeness import judge_ask, settles
from heard.answer.replies_text import Ask, numbered_points, split_asks, split_reply
from heard.answer.replies_types import ReplyQualityConfig

TITLE = "关于枫林小区的两点建议"
BODY = (
    "我是枫林小区业主，有两点建议：1、小区东门的路灯坏了，希望尽快修好路灯；"
    "2、小区北侧垃圾站臭味大，建议把垃圾站搬到远离住宅的地方。"
)
LAMP = "经城管局现场核查，枫林小区东门路灯已于6月3日更换完毕，恢复照明。"
BINS = "枫林小区北侧垃圾站已列入搬迁计划，新站址位于小区西侧空地，已于6月完成选址。"


def test_numbered_points_are_asks_each():
    asks = split_asks(TITLE, BODY)
    assert [a.kind for a in asks] == ["request", "request"]
    assert "路灯" in asks[0].text and "垃圾站" in asks[1].text
    assert not any("两点建议" in a.text for a in asks), "the lead-in is not an ask"


def test_a_point_without_a_request_verb_is_still_an_ask():
    asks = split_asks(
        "小区问题", "小区有三个问题：一是小区路灯一直不亮。二是垃圾没人清运。三是电梯经常停运。"
    )
    assert [a.kind for a in asks] == ["point", "point", "point"]
    assert asks[2].text.startswith("电梯")


def test_point_marks_must_run_in_order():
    # a quoted "（四）" and a decimal are not points; one mark alone is no list
    assert numbered_points("文件（四）规定面积3.5米，不得超建。")[1] == []
    assert numbered_points("1、路灯坏了很久。")[1] == []
    preamble, points = numbered_points("意见如下：（1）修路灯；（2）清垃圾；（4）引文")
    assert preamble == "意见如下：" and points[0] == "修路灯；" and points[1].startswith("清垃圾")


def test_answering_one_of_two_numbered_asks_scores_lower_and_names_the_other():
    both = score_completeness(TITLE, BODY, LAMP + BINS)
    one = score_completeness(TITLE, BODY, LAMP)
    assert both.score > one.score
    assert [a["n"] for a in both.evidence["answered"]] == [1, 2]
    assert [a["n"] for a in one.evidence["answered"]] == [1]
    missed = one.evidence["not_answered"]
    assert len(missed) == 1 and "垃圾站" in missed[0]["ask"]
    assert "answers 1 of 2 asks" in one.explanation
    assert "ask 1" in one.explanation and "answered (reply sentence 1)" in one.explanation


def test_the_explanation_says_where_each_ask_is_answered():
    result = score_completeness(TITLE, BODY, "网友您好！" + BINS + LAMP)
    answered = {a["n"]: a for a in result.evidence["answered"]}
    assert answered[1]["reply_sentence"] == 2 and "路灯" in answered[1]["answer"]
    assert answered[2]["reply_sentence"] == 1 and "垃圾站" in answered[2]["answer"]
    assert "ask 2 «" in result.explanation and "(reply sentence 1)" in result.explanation


def test_a_hand_off_does_not_answer_a_yes_no_ask_but_answers_a_who_ask():
    config = ReplyQualityConfig()
    parts = split_reply("如有疑问，请拨打物业服务中心电话0731-1234567咨询。")
    assert parts.only_hands_off
    yes_no = judge_ask(Ask("路灯是否由物业负责维修？", "yes_no"), parts, "路灯", None, config)
    who = judge_ask(Ask("路灯坏了该找哪个部门？", "who"), parts, "路灯", None, config)
    assert yes_no.status == "handed off" and yes_no.value == 0.0
    assert who.status != "handed off" and who.value > 0


def test_a_promise_is_not_an_answer():
    config = ReplyQualityConfig()
    ask = Ask("希望尽快修好东门的路灯", "request")
    promised = judge_ask(
        ask, split_reply("关于东门路灯的问题，我们将进一步加强巡查。"), "路灯", None, config
    )
    done = judge_ask(
        ask, split_reply("东门路灯已于6月3日更换完毕，恢复照明。"), "路灯", None, config
    )
    assert promised.status == "only promised" and done.status == "answered"
    assert done.value > promised.value


def test_a_decision_settles_a_request():
    config = ReplyQualityConfig()
    assert settles("您的建议已采纳。", config)
    assert settles("因路面较窄，不宜设置隔离护栏。", config)
    assert settles("将于下月底前增设减速带。", config)
    assert not settles("我们将进一步加强管理。", config)
    assert not settles("我们将进一步加强管理。", ReplyQualityConfig(ask_settled_cues=False))
    adopted = score_completeness(
        "建议公交卡印紧急联系电话",
        "希望在老年公交卡上印紧急联系电话。",
        "您关于公交卡印紧急联系电话的建议已采纳。",
    )
    assert "held to half" not in adopted.explanation


def test_rhetorical_questions_and_lead_ins_are_not_asks():
    asks = split_asks("物业乱象", "物业随意撕公告，你们信不？我的建议如下：\n请街道督促物业整改。")
    assert [a.text for a in asks] == ["请街道督促物业整改。"]


def test_a_long_list_of_asks_is_cut_in_the_explanation_but_kept_in_the_evidence():
    things = ["路灯", "井盖", "水管", "电梯", "围墙", "台阶", "栏杆", "雨棚", "门禁", "排水沟"]
    body = "".join(f"{n}、请尽快修好小区{t}；" for n, t in enumerate(things, 1))
    result = score_completeness("小区设施", body, "小区路灯已于6月3日更换完毕。")
    assert "answers 1 of 10 asks" in result.explanation
    assert "2 more asks in the evidence" in result.explanation and "ask 9" not in result.explanation
    assert len(result.evidence["answered"]) + len(result.evidence["not_answered"]) == 10
