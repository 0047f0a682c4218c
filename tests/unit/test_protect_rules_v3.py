"""Fraud and spam rules v3: the spelling-trick fold and the structural rules (an instruction to the
reader plus the pressure or private channel that makes it a scam), each with the speech around
it that must stay unflagged (RIGHTS.md §1, §5). Sentences written for these tests; none is in
a probe file."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector
from heard.protect.detectors.fold import fold_text

FRAUD = RuleDetector("scam_fraud")
SPAM = RuleDetector("spam")


def rule(detector: RuleDetector, text: str) -> str | None:
    flag = detector.flag(text)
    return flag.rule if flag else None


def test_fold_undoes_spacing_width_lookalikes_and_maps_spans_back():
    text = "加 薇 信：ab12，安-全-账-户，客服 4OO-8２0-1234，點擊 a b c . t o p"
    folded, index = fold_text(text)
    assert "加微信" in folded and "安全账户" in folded and "400-820-1234" in folded
    assert "点击" in folded and "abc.top" in folded
    assert index is not None and len(index) == len(folded)
    at = folded.index("安全账户")
    assert text[index[at] : index[at + 3] + 1] == "安-全-账-户"


def test_fold_leaves_plain_text_alone():
    assert fold_text("Hello World，你好。") == ("hello world，你好。", None)
    assert fold_text("I am a good boy in room 404")[0] == "i am a good boy in room 404"


def test_spaced_out_safe_account_is_flagged_with_evidence_in_the_original():
    text = "您 的 账 户 涉 嫌 洗 钱 ，请 将 资 金 转 入 安 全 账 户 配 合 调 查"
    flag = FRAUD.flag(text)
    assert flag is not None and flag.label == "scam_fraud"
    for m in flag.matches:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "transfer_order_with_pressure",
            "你现在先汇六万到我发你的那个账户，今天必须到，回头我再跟你解释。",
        ),
        ("gift_card_codes", "帮我买五张沃尔玛购物卡，每张500，买好把卡密拍给我。"),
        ("asks_for_the_code", "麻烦您把手机上收到的验证码告诉我一下，我这边帮您取消扣费。"),
        ("remote_access_instruction", "为了核实您的身份，请马上下载腾讯会议并开启屏幕共享。"),
        ("hostage_ransom", "你弟弟现在在我们手上，准备十万块钱，敢报警你就别想见到他。"),
        (
            "payee_change",
            "我是你们的物业，公司换了新账户，这个月物业费转到这个新账户，卡号等会发你。",
        ),
        ("threat_press_a_key", "您的宽带账户将在两小时后停用，如有疑义请按9转人工办理。"),
        (
            "trip_cancelled_compensation",
            "您乘坐的航班因故取消，每位旅客可获赔偿400元，请拨打4006-112-233办理改签。",
        ),
        ("refund_through_pay_app", "商品质量问题给您退款，请打开支付宝搜索备用金，我指导您操作。"),
        ("atm_instruction", "退税款要您本人去ATM机上按我们的提示操作才能领取。"),
        (
            "kin_addressed_urgent_money",
            "姐，我在外面出了车祸急需一万块，先转到这个卡上，别跟爸妈说。",
        ),
    ],
)
def test_each_v3_fraud_structure_fires(name, text):
    flag = FRAUD.flag(text)
    assert flag is not None, text
    assert name in flag.details["rules_fired"], (name, flag.details["rules_fired"])


@pytest.mark.parametrize(
    "text",
    [
        # real notices and real family talk with the same words
        "【中国银行】验证码 552901，用于转账，请勿向任何人提供验证码，银行不会索要。",
        "【国航】您的航班因天气取消，可通过国航官方APP免费改签或退票，客服95583。",
        "爸，这个月生活费能不能多打我三百？我报了个考研班。",
        "二叔，奶奶住院的押金我已经转给医院了，发票拍照发群里。",
        "房东说他换了新卡，我问了他本人电话确认过了才转的房租。",
        # warnings and victims quoting the script
        "反诈民警提醒：凡是让你下载会议软件开启屏幕共享的都是骗子。",
        "我妈接到电话说“你儿子在我们手上，准备十万”，她马上报警，原来是诈骗。",
        "骗子让我把卡密拍给他，说是领导要的礼品卡，幸好我先打电话问了领导。",
        "警方提醒：自称航班取消给补偿、让你拨打陌生号码办理改签的都是诈骗。",
        # criticism, not harm
        "市医保局把我的医保卡冻结了半年也不给说法，打电话问客服也没人管，这就是服务？",
    ],
)
def test_v3_fraud_hard_negatives_are_not_flagged(text):
    assert FRAUD.flag(text) is None, (text, rule(FRAUD, text))


@pytest.mark.parametrize(
    "text",
    [
        "专业网站建设与关键词排名优化，不上首页不收费，联系电话 138xxxx5566",
        "电子厂招普工，包吃包住，月薪7000起，有意者请联系人事主管 0755-2xxx8812",
        "奶茶品牌招商加盟，总部全程扶持，投资3万起，咨询热线400-6xx-8899",
        "有 票 需 要 的 联 系 我，各 类 发 票，点 数 低",
        "我们是做企业画册设计印刷的，有需要可以随时联系我们。",
    ],
)
def test_v3_spam_offers_are_flagged(text):
    assert SPAM.flag(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "【招商银行】您尾号1234的信用卡消费120.00元，如非本人交易请致电95555。",
        "请问大家有没有靠谱的搬家公司推荐？东西不多，下周六搬。",
        "我们厂里一直招不到普工，包吃包住月薪七千都没人来，这是为什么？",
        "楼下那家奶茶店说是加盟的，总部不管，饮料越来越难喝了。",
        "【友情转发】朋友的工作室招前端，月薪8-10K，简历发 hr@example.com，大家帮忙转一下~",
    ],
)
def test_v3_spam_hard_negatives_are_not_flagged(text):
    assert SPAM.flag(text) is None, (text, rule(SPAM, text))


@pytest.mark.parametrize(
    "text",
    [
        "您好，这里是某商城客服，您申请的退款已办理，款项3个工作日内原路退回，无需您提供银行卡号或验证码。",
        "【某某银行】您的信用卡已寄出，激活请使用官方APP，工作人员不会也无需您告知密码。",
        "Your refund has been processed and will reach your card in 5 days; "
        "you do not need to provide your card details or any code.",
    ],
)
def test_a_real_notice_that_says_no_code_is_needed_is_not_a_scam(text):
    # 3.5: real service notices end with "no need to give us your card or code"
    assert rule(FRAUD, text) is None
