"""Harassment 1.2 and hate 1.2 (2026-12-07), read on the flags the harm stage raised on the
rumour-Weibo posts (`bench/protect_real_posts.py`): an aphorism about "the 贱人 you meet" addresses
no one present, a report that a son drove his mother to her death ("逼妈妈去死") is not a death
wish, a plea for a trafficked Uyghur child forced to steal is not a statement about Uyghurs, and
one named person of a group is not the group. Sentences written for these tests; none is a post
of the set. Beside them, the harms that share their words are still flagged."""

from __future__ import annotations

import pytest

from heard.protect.stage import HarmStage

STAGE = HarmStage(nearest=0)


def labels(text: str) -> set[str]:
    return {f["label"] for f in STAGE.flag_texts([text])[0]}


@pytest.mark.parametrize(
    "text",
    [
        "你对人太好，遇到的贱人就越多，这是我工作十年学会的事。",
        "每次碰上傻逼同事，我就告诉自己：老天派傻逼来考验你，别生气。",
        "新闻里那个儿子逼妈妈去死，最后老人跳楼了，你们说这还是人吗。",
        "这个男孩是藏族，十岁，被人拐到外地逼做扒手，请大家转发帮他回家。",
        "一位维吾尔族老人在车站丢了钱包，被小偷偷走了证件，民警帮他找回。",
    ],
)
def test_people_not_present_and_victims_are_not_flagged(text):
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("harassment", "@小鹿不跑 你就是个贱人，别再发了。"),
        ("hate", "新疆人都是小偷，别让他们进我们小区。"),
        ("hate", "那些外地人都是骗子，早该赶出去。"),
    ],
)
def test_insults_and_generalisations_that_share_the_words_still_are(label, text):
    assert label in labels(text)
