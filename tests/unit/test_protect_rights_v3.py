"""Hate 1.3 and the learnt spam head's veto (2026-12-07), from half A of the blind rights set v3
(`bench/protect_probes.py --set rights_v3_blind_heldout`): a slur quoted as what someone else
shouted or posted is a report of hate, and a citizen selling their own used bike is not spam,
even to the learnt head. Then, from half B after its held-out read, scam_fraud 3.16 and spam
3.13: a whistleblower's photographed notice sent to the discipline commission is no extortion,
and a shop hiring one apprentice is no advert. Sentences written for these tests; none is a row
of the set. Beside them, harms that share their words are still flagged."""

from __future__ import annotations

import pytest

from heard.protect.detectors.written_head import WrittenHeadDetector
from heard.protect.stage import HarmStage

STAGE = HarmStage(nearest=0)


def labels(text: str) -> set[str]:
    return {f["label"] for f in STAGE.flag_texts([text])[0]}


@pytest.mark.parametrize(
    "text",
    [
        "昨天在菜市场被一个摊主骂“河南人都是骗子”，我当场就录了视频，这种话凭什么张口就来？",
        "有人在小区群里贴“外地人滚出去”的横幅照片，我已经报给居委会和派出所了。",
        "A man yelled “immigrants are criminals” at my mother on the bus. Nobody said a word.",
    ],
)
def test_a_slur_reported_as_someone_elses_words_is_not_hate(text):
    assert "hate" not in labels(text)


def test_hate_in_the_writers_own_voice_still_is():
    assert "hate" in labels("河南人都是骗子，别让他们进我们小区。")


SALE = "自用电动车转让，骑了一年，电池刚换，1500元，南门自提，电话139xxxx2231 李同学。"


def test_the_learnt_spam_head_leaves_a_citizens_own_sale_alone():
    head = WrittenHeadDetector()
    assert not any(f.label == "spam" for f in head.detect([SALE])[0])
    assert "spam" not in labels(SALE)


def test_the_learnt_spam_head_still_reads_an_advert():
    advert = "全场清仓大甩卖，名牌电动车一律5折，限时三天，速来抢购，详询139xxxx2231！"
    assert "spam" in labels(advert)


@pytest.mark.parametrize(
    "text",
    [
        "镇长把拆迁补偿款打到他小舅子账上，公开栏的名单贴了两天就撕了，我拍了照片，已寄市纪委，举报电话12388。",
        "饭店招服务员两名，月薪3500包吃住，有意者到XX路15号店里面谈。",
    ],
)
def test_a_whistleblower_and_a_shop_hiring_are_not_flagged(text):
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("scam_fraud", "你的裸照在我手上，不打5万到这个卡上，我就发给你老婆和你们单位所有人。"),
        ("spam", "招聘！日薪500，工作轻松，名额有限，速加微信领取岗位，月入过万不是梦！"),
    ],
)
def test_extortion_and_a_recruiting_advert_still_are(label, text):
    assert label in labels(text)
