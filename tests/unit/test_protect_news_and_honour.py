"""Terrorism 1.2, violent threat 1.1 and scam_fraud 3.11's share-footer guard (2026-12-07): false
flags found by running the harm stage once over the rumour-Weibo source posts
(`bench/protect_real_posts.py`, held out until then). China honours its fallen soldiers, police
and firefighters as 烈士; news reports attacks and airstrikes; a report quotes the threat someone
else made; "教你…" teaches many things; Weibo ends a shared comment with its own link. Beside each
guard, the harmful post of the same family that must still be flagged. Sentences written for
these tests; none is from a dataset."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector

TERROR = RuleDetector("terrorism_incitement")
THREAT = RuleDetector("violent_threat")
FRAUD = RuleDetector("scam_fraud")


@pytest.mark.parametrize(
    "text",
    [
        "清明节到了，带孩子去烈士陵园，向革命烈士致敬！",
        "9月30日烈士纪念日，向牺牲的缉毒烈士致敬，缅怀先烈。",
        "致敬救火牺牲的消防烈士，一路走好。",
        "【国际】据新华社报道，联军战机投下多枚炸弹，摧毁极端组织一处训练营。",
        "警方通报：男子在商场持刀袭击路人，已被当场制服，伤者送医。",
        "Reuters: officials said the group had recruited fighters at a training camp.",
        "手把手教你如何清理手机内存，告别卡顿大爆炸！",
    ],
)
def test_honour_news_and_how_tos_are_not_incitement(text):
    assert TERROR.flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "向那些在车站引爆炸弹的兄弟致敬，他们是真正的英雄，异教徒死有余辜。",
        "教你用化肥自制炸弹，找人流最密集的地铁站，效果最好。",
        "招募兄弟加入我们的训练营，圣战需要你。",
    ],
)
def test_incitement_is_still_flagged(text):
    assert TERROR.flag(text) is not None


def test_a_quoted_threat_in_a_report_is_journalism_a_threat_at_a_reporter_is_not():
    report = "视频曝光：镇干部对采访的记者说“你下次再敢来，我就打死你”，目前已被停职调查。"
    assert THREAT.flag(report) is None
    assert THREAT.flag("那个记者再敢来采访，我就打死他。") is not None
    assert THREAT.flag("我明天就去堵你，打断你的腿，你给我等着。") is not None


def test_weibos_share_footer_is_no_phishing_link():
    shared = "听说要出访客记录，以前的小号要失效了，还得实名认证，我点评了http://t.cn/A6xYz"
    assert FRAUD.flag(shared) is None
    phishing = "【微博】您的账号存在异常即将失效，请尽快登录 weibo-verify.top 完成实名认证。"
    assert FRAUD.flag(phishing) is not None
