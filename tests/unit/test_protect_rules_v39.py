"""Fraud rules 3.9 and spam rules 3.5 (2026-12-07), widened from the misses of half A of the blind
v6 probes: each new structure on a sentence of its own, with the speech beside it that must stay
unflagged (RIGHTS.md §1, §5). Sentences written for these tests; none is in a probe file."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector

FRAUD = RuleDetector("scam_fraud")
SPAM = RuleDetector("spam")


def fired(detector: RuleDetector, text: str) -> list[str]:
    flag = detector.flag(text)
    return flag.details.get("rules_fired", [flag.rule]) if flag else []


FRAUD_39 = {
    "authority_keeps_you_on_the_line": "我是市公安局经侦支队的，你的案子还在调查，"
    "通话期间不准挂电话，挂断就视为妨碍公务。",
    "account_against_rules_credit_threat": "尊敬的微粒贷用户，您的借款利率不符合监管规定，"
    "需进行利率调整，逾期未处理将上报征信，请回复1联系专员。",
    "scarce_goods_paid_first": "全新未拆封的苹果16，内部价3500，先付定金800，到货再付尾款，"
    "加我微信看图。",
    "date_needs_a_deposit": "想和你见面呀，不过见面之前你先转300路费给我，我打车过来找你。",
    "no_credit_check_loan_private_channel": "征信花了也能贷，5万额度当天到账，详情加微信 dk6688。",
    "task_scam": "点赞关注就能赚钱，一单5元当天结算，我们是正规公司不是骗子，进群领任务。",
    "investment_promise_with_invitation": "每日免费领取两只黑马股，跟着老师操作，进群即可。",
    "game_trade_scam": "出和平精英号，全套装备，便宜卖，交易网址我私你。",
    "teacher_fee_to_a_person": "我是三班的李老师，春游费每人150元，扫一下我的收款码就行。",
}


@pytest.mark.parametrize(("name", "text"), sorted(FRAUD_39.items()))
def test_each_v39_fraud_structure_fires(name, text):
    assert name in fired(FRAUD, text), (name, fired(FRAUD, text))


@pytest.mark.parametrize(
    "text",
    [
        # warnings and real calls around a caller who keeps you on the line
        "民警提醒：骗子冒充公安打电话时常说不要挂电话，挂了就视为拒捕，真警察不会这样办案。",
        "我是派出所的民警小王，您上周报的电动车被盗案有进展了，方便时来所里一趟。",
        # a real notice about an account change and the credit record
        "根据人民银行要求，本行将于下月调整个人账户分类，调整不会影响您的征信记录，"
        "如有疑问请联系客服专员。",
        "温馨提示：贷款逾期会上报征信，请您在还款日前存足款项。",
        # goods, dates and loans talked about, not sold
        "这瓶茅台是朋友送的，我不喝酒，原价出给有需要的，同城自提，当面付款。",
        "演唱会门票早就售罄了，黄牛说有内部渠道要先付全款，这种都是骗子，大家别信。",
        "周六约会的餐厅我已经订好了，押金我付过了，你直接过来就行。",
        "我征信不好，银行贷不了款，有没有人知道正规的办法？",
        "网上那些“黑户也能下款，加微信”的广告都是骗局，千万别信。",
        # a friend who will come round, a notice that names the official channel
        "老同学，我是你高中同桌小赵，最近周转不开想借我三千，明天我来你家当面跟你聊。",
        "您好，退票请在航空公司官方APP办理，我们不会通过短信链接或个人微信为您办理退款。",
        # an advert's money-back guarantee is not a refund problem (it may be spam, not fraud)
        "雅思一对一辅导，不过全额退款，咨询微信：ielts01",
    ],
)
def test_v39_fraud_hard_negatives_are_not_flagged(text):
    assert fired(FRAUD, text) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "cold_pitch",
            "您好，我是某某银行的客户经理，现在有一款经营贷产品，利率很低，需要的话回复1。",
        ),
        ("certificate_without_the_test", "电工证代办，无需考试，快速拿证，全国可查。"),
        ("miracle_product", "瘦 身 茶 ，一 周 瘦 8 斤 ，加 v 咨询"),
        ("offer_with_deal_and_way_to_buy", "代写毕业论文，包过查重，价格优惠，QQ：123456"),
    ],
)
def test_v35_spam_offers_are_flagged(name, text):
    assert name in fired(SPAM, text), (name, fired(SPAM, text))


@pytest.mark.parametrize(
    "text",
    [
        "考驾照到底能不能不用考试直接拿证？我看网上有广告这么说，是真的吗？",
        "新规：70岁以上换领驾驶证无需考试，但需要提交体检证明。",
        "我想减肥，一个月瘦10斤现实吗？有没有靠谱的方法",
        "我是社区的网格员，现在有一个问题想请您填一下问卷，需要的话回复1。",
    ],
)
def test_v35_spam_hard_negatives_are_not_flagged(text):
    assert fired(SPAM, text) == []


# scam_fraud 3.10 and spam 3.6: false flags that reading half B of v6 showed (one of them made
# by 3.9's own "不是骗子" guard, which also read "是不是骗子"). Sentences written for these tests.
@pytest.mark.parametrize(
    "text",
    [
        "收到一条说社保卡已失效、要点链接重新认证的短信，这到底是不是骗子？",
        "刚收到短信说我的ETC失效了让点链接，是不是骗局啊，大家帮我看看",
        "又有人在群里推“月收益20%保本”的项目，拉人进群，我表哥就是被这样骗的，千万别投",
    ],
)
def test_v310_people_asking_or_warning_about_a_scam_are_not_flagged(text):
    assert fired(FRAUD, text) == []


def test_v36_a_notice_that_the_readers_loan_was_paid_out_is_not_an_advert():
    notice = (
        "【某某银行】您申请的个人经营贷款30万元已于今日发放至尾号0000账户，"
        "首期还款日为下月8日，详询955xx。"
    )
    assert fired(SPAM, notice) == []
    advert = "【某某银行】您的经营贷额度已提升至30万，当天放款，详询客户经理。"
    assert fired(SPAM, advert) != []
