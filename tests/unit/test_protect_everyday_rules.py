"""Harassment 1.1, hate 1.1, violent threat 1.2, terrorism 1.3, self-harm 1.2, sexual
solicitation 1.2, contraband 1.2, doxxing 1.2 and spam 3.12 (2026-12-07), written from half A of
the blind everyday-speech set v1 (`bench/protect_everyday.py`; half B held out): each family with a
sentence of its own, and beside the families the legitimate posts that share their words. Sentences
written for these tests; none is a row of the set."""

from __future__ import annotations

import pytest

from heard.protect.stage import HarmStage

STAGE = HarmStage(nearest=0)


def labels(text: str) -> set[str]:
    return {f["label"] for f in STAGE.flag_texts([text])[0]}


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("harassment", "@小鹿不跑 你拍的这些视频恶心死了，长成这样还天天露脸，真够丢人的。"),
        ("harassment", "就是这个@糖糖爱吃瓜 ，大家去她每条微博底下刷屏骂她，刷到她退网为止。"),
        (
            "harassment",
            "@mia_draws you're a fat ugly cow and your art is trash, delete your account.",
        ),
        ("hate", "那些黑人就是没进化完的，别让他们进我们小区。"),
        ("violent_threat", "@张伟 周五晚上你下班等着，我带几个兄弟过去，不卸你一条胳膊我不姓王。"),
        ("violent_threat", "我知道你儿子在二中初一三班，钱再不还，放学路上出点什么事别怪我。"),
        (
            "violent_threat",
            "Tonight I'm going to his place on Elm Street and I'm putting him in the ground.",
        ),
        ("terrorism_incitement", "上周车站那几个兄弟干得漂亮，砍倒了一片，他们是真正的英雄。"),
        (
            "terrorism_incitement",
            "The man who shot up the church is a saint, finish what he started.",
        ),
        ("self_harm_promotion", "想死就去死吧，别矫情了，你活着对谁都是负担，早点解脱。"),
        ("self_harm_promotion", "划完记得戴手表遮住手腕，别让爸妈发现。"),
        ("sexual_solicitation", "同城妹妹可上门，快餐400包夜900，照片真人，加V：ll5566"),
        ("sexual_solicitation", "足浴城新来的技师有特殊服务，懂的来，地址私聊。"),
        ("contraband_sale", "不用处方，三唑仑、曲马多都有，量大从优，快递到家。"),
        (
            "doxxing",
            "开盒：这人叫王某某，身份证330106199203143820，电话13588261740，想搞他的自己去。",
        ),
        ("doxxing", "偷拍我的那个男的在科技园C座8楼上班，每天早上9点到，大家去公司门口堵他。"),
    ],
)
def test_half_a_families_are_flagged_with_their_label(label, text):
    assert label in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "我真是个傻逼，又把钥匙锁家里了。",
        '"Never argue with an idiot; they drag you down to their level." Still true.',
        "强奸幼女的畜生也配当老师？必须严惩！",
        "今天在烈士陵园，给爷爷那一代人献了花。",
        "据警方通报，男子在广场持刀砍倒两人后被制服，伤者已送医。",
        "这个周末我们去广场搞个大事——全城最大的读书会，欢迎大家来！",
        "手腕上的疤我以前总用手表遮住，现在不遮了，康复两年，谢谢当年的心理咨询老师。",
        "药房提醒：曲马多是处方药，请凭医生处方购买，不要网购。",
        "搬家转让九成新沙发，原价2800现600，自提，电话13917264583（本人）。",
        "老人走失：张桂兰，78岁，在幸福里小区附近走失，见到请联系13588261740，谢谢大家！",
        "我在市中心医院上班，每天早上7点到，有需要挂号咨询的街坊可以问我。",
        "Got a new job at the clinic, I work at Harbor Dental now, come say hi!",
        # a real Teddy Cup letter (full records): "现在班主任的主要工作" is not a workplace and
        # "大家给我们指点迷津" asks for advice; doxxing 1.2 flagged it before the fix
        "我是东山学校高三学生，现在班主任的主要工作是做我们“不听话”学生的工作：把600元给我拿来。"
        "拜请大家给我们指点迷津吧！",
        "Found the guy who lost his wallet on the bus — returned it to him at the station.",
    ],
)
def test_everyday_posts_sharing_those_words_are_not_flagged(text):
    assert labels(text) == set()
