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


# 3.6 / 3.3 (2026-12-07): families the blind v4 probes showed missing. Sentences written for
# these tests; none is in a probe file.
NEW_FRAUD = {
    "teacher_fee_to_a_person": "各位家长好，我是五年级一班的班主任，本周要收研学活动费，每人320元，"
    "请扫描群里的二维码缴费，交完截图。",
    "extortion_with_private_material": "你和那个女的开房的视频我们都有了，"
    "明天中午前转五万，不然就发给你单位领导。",
    "job_needs_a_fee_first": "招聘酒店前台，包吃住，月薪6000，入职前需先交服装费和体检费共580元。",
    "finance_staff_into_a_group_to_pay": "所有财务人员注意，董事长拉了新群，"
    "马上进群，按群里安排转账。",
    "accused_demand_secrecy": "您的身份证被他人冒用开了银行账户，涉嫌洗钱，"
    "现在要做资金核查，此事保密，不要告诉任何人。",
    "paid_buyer_asks_seller_for_a_fee": "你挂的那台相机我买了，钱已经付了，"
    "按规定你要先交800元保证金才能收到货款。",
    "unpaid_toll_pay_link": "FastTrak: you have an unpaid toll balance of $4.15. "
    "Pay now at fasttrak-pay.info to avoid penalties.",
    "unexpected_charge_call_a_desk": "Walmart: a charge of $612 was made on your account for a TV. "
    "Not you? Call our billing desk now.",
}


@pytest.mark.parametrize("name,text", sorted(NEW_FRAUD.items()))
def test_each_v36_fraud_family_fires(name, text):
    flag = FRAUD.flag(text)
    assert flag is not None, name
    assert name in flag.details.get("rules_fired", [flag.rule]), (name, flag.rule)


@pytest.mark.parametrize(
    "text",
    [
        "各位家长：本学期研学费用请通过学校智慧缴费平台缴纳，请勿向任何个人转账。",
        "对方说有我的视频，威胁我转两万，不然发给我家人，我该怎么办？已经报警了。",
        "我们公司招聘前台，包吃住，入职体检费用由公司报销，欢迎投递简历。",
        "财务部的同事们，下周一上午开会，新的报销流程在工作群里，大家看一下。",
        "Your card ending 1234 was charged $52.17 at Target. If this wasn't you, call the number "
        "on the back of your card.",
        "我在二手平台卖相机，买家说钱已经付了，让我交保证金才能收款，这是骗子吧？",
    ],
)
def test_v36_hard_negatives_are_not_flagged(text):
    assert rule(FRAUD, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "新店开业！正宗兰州拉面，开业一周第二碗半价，地址：解放路66号。",
        "意外险20元保一年，老人孩子都能买，扫码投保。",
        "招聘外卖骑手，多劳多得，月入9000+，报名加微信 qs_2024。",
    ],
)
def test_v33_adverts_are_spam(text):
    assert rule(SPAM, text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "【某某银行】您尾号0000的信用卡于12月03日消费86.50元，如非本人交易请致电官方客服。",
        "我们部门在招聘服务员和保安，朋友们有合适的可以推荐，五险一金齐全。",
        "这家新开的火锅店第二份半价，味道一般，排队太久了。",
    ],
)
def test_v33_hard_negatives_are_not_spam(text):
    assert rule(SPAM, text) is None
