"""Reply quality: each dimension on small invented messages and replies, Chinese and English.

The texts are written for these tests. Each test pits a reply that does the job against one that
does not, so a scorer that ignored the feature under test would fail it; several pit a short good
reply against a long empty one, because a score that grows with length measures length.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from heard.answer.replies import (
    ReplyQualityConfig,
    ReplyToScore,
    score_completeness,
    score_interpretability,
    score_relevance,
    score_replies,
    score_reply,
    score_timeliness,
)
from heard.answer.replies_terms import specific_terms
from heard.answer.replies_text import split_asks, split_reply
from heard.errors import InputError

ZH_TITLE = "投诉梧桐路12号路灯损坏两个月"
ZH_BODY = (
    "梧桐路12号门口的路灯坏了两个月，晚上很危险。请问什么时候能修好？是否需要我们自己联系供电所？"
)
ZH_SPECIFIC = (
    "网友您好！您的留言已收悉。经城管局现场核查，梧桐路12号路灯因线路老化损坏，已于3月5日更换完毕，"
    "恢复照明。"
    "路灯由城管局路灯所负责维护，无需您联系供电所。如再有损坏，可拨打路灯报修电话0731-1234567。"
)
ZH_GENERIC = (
    "网友您好！我局高度重视城市照明管理工作，将进一步加强巡查，不断提升服务水平。感谢您的支持！"
)
ZH_FORM = (
    "网友：您好！您的留言已收悉，已转相关部门调查核处。"
    "感谢您对我们工作的支持、理解与监督！2019年5月6日"
)

EN_TITLE = "Streetlight out on Mill Road"
EN_BODY = (
    "The streetlight outside 12 Mill Road near Hillside School has been out for two months. "
    "When will it be fixed? Do we need to contact the power company ourselves?"
)
EN_SPECIFIC = (
    "Thank you for your message. We inspected the light at 12 Mill Road and found a failed cable; "
    "it was replaced on 5 March. The council maintains street lights, so you do not need to "
    "contact "
    "the power company. If it fails again, please call the lighting desk on 0161 555 0101."
)
EN_FORM = (
    "Thank you for your message. "
    "Your report has been received and passed to the relevant department."
)


# --- pieces -----------------------------------------------------------------------------------


def test_form_letters_are_recognised_in_both_languages():
    assert split_reply(ZH_FORM).is_form_letter
    assert split_reply(EN_FORM).is_form_letter
    assert not split_reply(ZH_SPECIFIC).is_form_letter
    assert not split_reply(EN_SPECIFIC).is_form_letter
    assert split_reply(ZH_FORM).referrals, "the hand-off line is kept apart as a referral"


def test_asks_are_split_by_kind_and_pleas_are_not_asks():
    asks = split_asks(ZH_TITLE, ZH_BODY + "急盼回复！")
    kinds = [a.kind for a in asks]
    assert kinds == ["when", "yes_no"], asks
    en = split_asks(EN_TITLE, EN_BODY + " Please also trim the tree by the gate.")
    assert [a.kind for a in en] == ["when", "yes_no", "request"]


def test_a_message_without_questions_still_asks_for_something():
    asks = split_asks("小区门口垃圾堆积", "小区门口垃圾堆积一周了，味道很大。")
    assert len(asks) == 1 and asks[0].kind == "implicit" and asks[0].text == "小区门口垃圾堆积"


def test_specific_terms_are_the_places_the_message_names():
    terms = specific_terms("投诉中航怡园小区物业", "我家住在中航怡园小区五栋，物业私自搭建。")
    assert "中航怡园小区" in terms
    assert not any(t.startswith(("投诉", "我家")) for t in terms)
    assert "Mill Road" in specific_terms(EN_TITLE, EN_BODY)


# --- relevance --------------------------------------------------------------------------------


def test_relevance_prefers_the_reply_about_this_matter():
    specific = score_relevance(ZH_TITLE, ZH_BODY, ZH_SPECIFIC)
    generic = score_relevance(ZH_TITLE, ZH_BODY, ZH_GENERIC)
    form = score_relevance(ZH_TITLE, ZH_BODY, ZH_FORM)
    assert specific.score > generic.score >= form.score == 0.0
    assert specific.label == 2 and generic.label < 2
    assert "梧桐路" in "".join(specific.evidence["terms_named_in_reply"])
    assert form.label == 0 and "referral" in form.explanation


def test_relevance_in_english():
    assert score_relevance(EN_TITLE, EN_BODY, EN_SPECIFIC).score > 0.3
    assert score_relevance(EN_TITLE, EN_BODY, EN_FORM).score == 0.0


def test_a_longer_form_letter_is_still_a_form_letter():
    padded = ZH_FORM + "我们高度重视您的留言。感谢您对我们工作的关心！祝您生活愉快！" * 5
    for score in (
        score_relevance(ZH_TITLE, ZH_BODY, padded),
        score_completeness(ZH_TITLE, ZH_BODY, padded),
    ):
        assert score.score == 0.0, score.explanation


# --- completeness -----------------------------------------------------------------------------


def test_completeness_counts_the_asks_answered():
    both = score_completeness(ZH_TITLE, ZH_BODY, ZH_SPECIFIC)
    one = score_completeness(
        ZH_TITLE, ZH_BODY, "网友您好！经核查，梧桐路12号路灯已于3月5日更换完毕，恢复照明。"
    )
    none = score_completeness(ZH_TITLE, ZH_BODY, ZH_FORM)
    assert both.score > one.score > none.score == 0.0
    assert len(both.evidence["answered"]) == 2
    assert [a["kind"] for a in one.evidence["not_answered"]] == ["yes_no"]


def test_a_reply_that_decides_nothing_is_held_to_half():
    vague = "网友您好！关于梧桐路12号路灯什么时候修好以及是否联系供电所的问题，我们会认真研究。"
    result = score_completeness(ZH_TITLE, ZH_BODY, vague)
    assert result.score <= 0.5 and "held to half" in result.explanation


def test_completeness_in_english():
    full = score_completeness(EN_TITLE, EN_BODY, EN_SPECIFIC)
    assert full.score > score_completeness(EN_TITLE, EN_BODY, EN_FORM).score
    assert len(full.evidence["answered"]) == 2


def test_a_short_complete_reply_beats_a_long_vague_one():
    short = "已于3月5日更换梧桐路12号路灯。路灯由城管局维护，无需联系供电所。"
    long_vague = (
        ZH_GENERIC + "我局始终坚持以人民为中心，持续推进城市精细化管理，不断完善各项工作机制。" * 4
    )
    assert len(long_vague) > 3 * len(short)
    assert (
        score_completeness(ZH_TITLE, ZH_BODY, short).score
        > score_completeness(ZH_TITLE, ZH_BODY, long_vague).score
    )
    assert (
        score_relevance(ZH_TITLE, ZH_BODY, short).score
        > score_relevance(ZH_TITLE, ZH_BODY, long_vague).score
    )


# --- interpretability -------------------------------------------------------------------------


def test_interpretability_finds_the_four_elements():
    reply = (
        "经查，该店未设油烟净化设施。根据《城市市容和环境卫生管理条例》第十条，我局已责令其整改，"
        "下一步将复查；如仍有油烟，可拨打0731-8888888反映。"
    )
    result = score_interpretability(reply)
    assert result.score == pytest.approx(1.0)
    assert all(result.evidence[k] for k in ("reason", "rule", "next_step", "contact"))


def test_interpretability_partial_and_none():
    only_contact = score_interpretability("请联系社区居委会，电话0731-2222222。")
    only_reason = score_interpretability("经查，该路段不属于我局管养范围。")
    bare = score_interpretability("已处理。")
    assert 0 < only_contact.score < 0.7 and only_contact.label == 1
    assert 0 < only_reason.score < 0.7
    assert bare.score == 0.0 and "lacks" in bare.explanation


def test_interpretability_in_english():
    result = score_interpretability(
        "We found the bin was missed because the lorry broke down. "
        "Under the Waste Collection Policy, "
        "section 4, missed bins are collected within two days; we will collect yours on Friday. "
        "Call 0161 555 0199 if it is missed again."
    )
    assert result.score == pytest.approx(1.0)


# --- timeliness -------------------------------------------------------------------------------


def test_timeliness_uses_working_days_and_the_deadline():
    friday = datetime(2026, 12, 4, 9)
    assert score_timeliness(friday, datetime(2026, 12, 7, 9)).evidence["working_days"] == 1
    on_time = score_timeliness(friday, datetime(2026, 12, 18, 9))
    late = score_timeliness(friday, datetime(2027, 1, 15, 9))
    assert on_time.score == 1.0 and on_time.label == 2
    assert late.score < 1.0 and late.label < 2
    strict = score_timeliness(
        friday, datetime(2026, 12, 18, 9), config=ReplyQualityConfig(deadline_working_days=5)
    )
    assert strict.score < 1.0


def test_timeliness_counts_working_days_on_the_institutions_dates():
    # stored times are naive UTC; Sunday 17:00 UTC is Monday 01:00 in Beijing
    asked, answered = datetime(2019, 12, 1, 17), datetime(2019, 12, 23, 2)
    utc = score_timeliness(asked, answered)
    here = score_timeliness(
        asked, answered, config=ReplyQualityConfig(zone=ZoneInfo("Asia/Shanghai"))
    )
    assert (utc.evidence["working_days"], here.evidence["working_days"]) == (16, 15)
    assert (utc.label, here.label) == (1, 2)
    assert here.evidence["zone"] == "Asia/Shanghai"


def test_a_reply_dated_before_its_message_is_refused():
    with pytest.raises(InputError, match="before the message time"):
        score_timeliness(datetime(2026, 12, 4), datetime(2026, 12, 1))


# --- together ---------------------------------------------------------------------------------


def test_score_reply_reports_every_dimension_with_evidence():
    item = ReplyToScore(
        ZH_TITLE, ZH_BODY, ZH_SPECIFIC, datetime(2019, 3, 1), datetime(2019, 3, 6), id="m1"
    )
    quality = score_reply(item).as_dict()
    assert set(quality) == {
        "id",
        "overall",
        "relevance",
        "completeness",
        "interpretability",
        "timeliness",
    }
    for name in ("relevance", "completeness", "interpretability", "timeliness"):
        assert 0.0 <= quality[name]["score"] <= 1.0 and quality[name]["label"] in (0, 1, 2)
        assert quality[name]["explanation"]


def test_without_times_there_is_no_timeliness():
    quality = score_reply(ReplyToScore(ZH_TITLE, ZH_BODY, ZH_SPECIFIC))
    assert quality.timeliness is None and "timeliness" not in quality.as_dict()


def test_an_empty_reply_is_refused_with_its_id():
    with pytest.raises(InputError, match="reply m9 is empty"):
        score_replies([ReplyToScore(ZH_TITLE, ZH_BODY, "  ", id="m9")])


def test_the_embedder_joins_relevance_and_matches_asks():
    from heard.models import make_embedder

    embedder = make_embedder("use-int8", threads=1)
    items = [
        ReplyToScore(ZH_TITLE, ZH_BODY, ZH_SPECIFIC, id="good"),
        ReplyToScore(ZH_TITLE, ZH_BODY, ZH_GENERIC, id="generic"),
    ]
    good, generic = score_replies(items, embedder=embedder)
    assert "similarity" in good.relevance.evidence
    assert good.relevance.evidence["similarity"] > generic.relevance.evidence["similarity"]
    assert good.relevance.score > generic.relevance.score
    assert good.completeness.score > generic.completeness.score


def test_an_empty_message_is_refused():
    with pytest.raises(InputError, match="no title and no text"):
        score_completeness("", "  ", ZH_SPECIFIC)


def test_a_replys_scores_do_not_depend_on_what_it_is_scored_with():
    from heard.models import make_embedder

    embedder = make_embedder("use-int8", threads=1)
    alone = score_reply(ReplyToScore(EN_TITLE, EN_BODY, EN_SPECIFIC, id="x"), embedder=embedder)
    batch = score_replies(
        [
            ReplyToScore(ZH_TITLE, ZH_BODY, ZH_SPECIFIC, id="a"),
            ReplyToScore(EN_TITLE, EN_BODY, EN_SPECIFIC, id="x"),
            ReplyToScore(ZH_TITLE, ZH_BODY, ZH_GENERIC, id="b"),
        ],
        embedder=embedder,
    )[1]
    assert alone.as_dict() == batch.as_dict()


def test_embedding_only_weights_without_an_embedder_fall_back_to_the_lexical_parts():
    config = ReplyQualityConfig(relevance_weights={"terms": 0, "title": 0, "embedding": 1})
    specific = score_relevance(ZH_TITLE, ZH_BODY, ZH_SPECIFIC, config=config)
    generic = score_relevance(ZH_TITLE, ZH_BODY, ZH_GENERIC, config=config)
    assert specific.score > generic.score
    with_cosine = score_relevance(ZH_TITLE, ZH_BODY, ZH_SPECIFIC, similarity=0.5, config=config)
    assert with_cosine.score == pytest.approx(1.0)


# --- hand-offs, worst ask, the message as a whole (issue 18: what the dimensions read) -------

ZH_HAND_OFF = (
    "网友您好！您反映的问题已收悉。因您未说明具体地址，我们无法查实相关情况，请您提供具体地址。"
    "如有疑问，请拨打0731-1234567咨询。"
)


def test_hand_offs_are_substance_but_not_about_the_matter():
    parts = split_reply(ZH_HAND_OFF)
    assert not parts.is_form_letter and parts.only_hands_off
    assert len(parts.hand_offs) == 2 and parts.core == ()
    specific = split_reply(ZH_SPECIFIC)
    assert specific.hand_offs == ("如再有损坏，可拨打路灯报修电话0731-1234567。",)
    assert not specific.only_hands_off and any("已于3月5日更换" in s for s in specific.core)


def test_a_reply_that_only_hands_off_scores_a_fraction_of_its_relevance():
    at = {"similarity": 0.5}
    handed_off = score_relevance(ZH_TITLE, ZH_BODY, ZH_HAND_OFF, **at)
    specific = score_relevance(ZH_TITLE, ZH_BODY, ZH_SPECIFIC, **at)
    assert specific.score == pytest.approx(1.0)
    assert handed_off.score == pytest.approx(ReplyQualityConfig().hand_off_factor)
    assert handed_off.label < 2 and "sends the citizen elsewhere" in handed_off.explanation
    assert handed_off.evidence["hand_offs"]


def test_relevance_reads_the_cosine_and_keeps_the_lexical_parts_as_evidence():
    with_cosine = score_relevance(ZH_TITLE, ZH_BODY, ZH_GENERIC, similarity=0.3)
    assert with_cosine.score == pytest.approx((0.3 - 0.10) / 0.40)
    assert set(with_cosine.evidence["components"]) >= {"terms", "title", "embedding"}


def test_an_ask_left_unanswered_costs_more_than_its_share():
    one = "网友您好！经核查，梧桐路12号路灯已于3月5日更换完毕，恢复照明。"
    worst = score_completeness(ZH_TITLE, ZH_BODY, one)
    mean_only = score_completeness(
        ZH_TITLE, ZH_BODY, one, config=ReplyQualityConfig(completeness_worst_ask=False)
    )
    assert worst.score == pytest.approx(mean_only.score / 2)  # the unanswered ask scores 0
    both = score_completeness(ZH_TITLE, ZH_BODY, ZH_SPECIFIC)
    assert both.score > worst.score


def test_completeness_weighs_the_cosine_with_the_message_as_a_whole():
    one = "网友您好！经核查，梧桐路12号路灯已于3月5日更换完毕，恢复照明。"
    alone = score_completeness(ZH_TITLE, ZH_BODY, one).score
    close = score_completeness(ZH_TITLE, ZH_BODY, one, similarity=0.5)
    far = score_completeness(ZH_TITLE, ZH_BODY, one, similarity=0.1).score
    w = ReplyQualityConfig().completeness_subject_weight
    assert close.score == pytest.approx((1 - w) * alone + w)
    assert far == pytest.approx((1 - w) * alone)
    assert "as a whole" in close.explanation
    off = ReplyQualityConfig(completeness_subject_weight=0.0)
    assert score_completeness(ZH_TITLE, ZH_BODY, one, similarity=0.5, config=off).score == alone
    handed_off = score_completeness(ZH_TITLE, ZH_BODY, ZH_HAND_OFF, similarity=0.5)
    assert handed_off.score < close.score and "elsewhere" in handed_off.explanation


def test_asks_matched_by_cosine_alone_skip_hand_offs():
    from heard.models import make_embedder

    embedder = make_embedder("use-int8", threads=1)
    config = ReplyQualityConfig(ask_match_by="cosine")
    good, generic = (
        score_completeness(ZH_TITLE, ZH_BODY, reply, embedder=embedder, config=config)
        for reply in (ZH_SPECIFIC, ZH_GENERIC)
    )
    assert good.score > generic.score
    answers = [a.get("answer", "") for a in good.evidence["answered"]]
    assert answers and not any("报修电话" in a for a in answers)


def test_quoted_text_never_cuts_personal_data_in_half():
    """The scores quote the message and the reply, cut to a few characters ("ask 1 «…»"), and
    are redacted when shown. A cut through a phone number left its first digits, which the
    display's redaction no longer recognised: "电话138123…" on the public case page. Quotes are
    now cut short of any personal data they would split, so what is shown redacts whole."""
    from heard.read.cases import redact_all

    phone, card = "13812345678", "6222021234567890123"
    body = f"公司拖欠工资三个月，我叫张三，电话{phone}，银行卡{card}，什么时候能发？"
    reply = (
        "经查，已责令企业本月底前支付。如有疑问请拨打0731-88886666或13900001111咨询劳动监察大队。"
    )
    quality = score_reply(ReplyToScore("拖欠工资", body, reply))
    shown = str(redact_all(quality.as_dict()))
    for digits in ("138123", "1381234", "622202", "139000", "88886"):
        assert digits not in shown, digits
    assert "电话" in shown  # the quotes are still there, cut before the number
