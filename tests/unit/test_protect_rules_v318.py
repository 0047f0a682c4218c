"""Rules scam_fraud 3.18 and spam 3.15 (2026-12-08), from the misses and the one false flag of
half A of the blind Chinese SMS set v10. Sentences written for these tests; none is a probe row."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from heard.protect.detectors import RuleDetector
from heard.protect.stage import HarmStage

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from protect_probes import SETS, half_of, read_probes, score_probes  # noqa: E402

FRAUD = RuleDetector("scam_fraud")
SPAM = RuleDetector("spam")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "【淘宝兼职】帮店铺拍单冲销量，先垫付货款，完成后退还本金另付12%佣金，联系接待员小林",
            "task_prepay_principal_back",
        ),
        (
            "尊敬的投资人：新上线的稳健计划日收益2.5%，保本保息，充值5万送5千，官网 wj-caifu.top",
            "extreme_return_signup",
        ),
        (
            "您的借款已审核通过，需先支付风险保证金2000元后方可放款，请在一小时内处理",
            "fee_before_loan_release",
        ),
        (
            "这里是市公安局刑侦大队，你名下的包裹涉嫌走私，马上把电话转接给办案警官，请保持通话",
            "authority_call_transfer",
        ),
        (
            "王哥，我是社区李主任，换号了，这次的暖气改造费每户1500，直接转我支付宝就行",
            "new_number_pay_me",
        ),
        (
            "【信用服务中心】检测到您征信报告有多条逾期，会影响房贷审批，"
            "请尽快拨打 4xx-8****123 办理修复",
            "credit_repair_contact",
        ),
        ("和平精英点券一折充值，秒到账不封号，需要的私聊", "game_cheap_topup"),
        (
            "你好呀，看到你的照片很有眼缘，我平时在一个投资平台做黄金，有空带你赚点",
            "romance_investment_opener",
        ),
        (
            "老板您好，我是驻地部队的后勤，要采购两百床被子，麻烦您先联系我们指定的厂家付材料费",
            "military_purchase_advance",
        ),
        (
            "【联通】您的积分可兑换现金，请访问 lt-jf.cc 填写银行卡号完成兑换",
            "link_asks_card_or_code",
        ),
        ("您的包裹超重了，需要补运费8元，付款码已发给您，扫一下就能派送", "parcel_topup_scan"),
    ],
)
def test_half_a_sms_fraud_shapes_fire_their_rule(text, rule):
    flag = FRAUD.flag(text)
    assert flag is not None and rule in flag.details["rules_fired"]


@pytest.mark.parametrize(
    "text",
    [
        # warnings, victims, news and citizens quoting the same shapes
        "民警提醒：凡是要求先垫付、再返还本金加佣金的刷单都是诈骗，请勿相信。",
        "我按他说的先垫付了三单，说好返本金的，结果人跑了，已经报警。",
        "记者调查：所谓保本保息、日收益3%的平台，充值后大多无法提现。",
        "征信不能修复，任何声称可以洗白征信的电话都是骗局。",
        "请问我的征信有逾期记录，要多久才能恢复？可以拨打人民银行电话咨询吗？",
        "警方通报：冒充部队采购、让商家先联系指定厂家垫付材料费的诈骗案件近期高发。",
        "反诈提醒：快递员不会让你扫码补运费，收到这种付款码请不要扫。",
        # real notices with the same words
        "妈，我换新号码了，旧号下月停，你存一下，周末回家。",
        "【XX公安】您的居民身份证已制作完成，请到户籍窗口领取，可拨打电话咨询。",
        "【XX银行】银行工作人员不会要求您在链接里输入银行卡号和验证码，请通过官方APP办理业务。",
        "【XX医院】转接人工服务请按0，保持通话即可为您预约挂号。",
    ],
)
def test_warnings_victims_and_notices_are_not_fraud(text):
    assert FRAUD.flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "凭营业执照即可申请经营贷，最快2小时放款，详询客服热线",
        "二建考前三天发放内部押题，不过退费，报名加群",
        "同城交友，寂寞陪聊，加V立即约",
        "专业刻章办证，营业执照、各类资格证，加急当天可取，联系微信",
        "【XX娱乐】老虎机爆分率高，充50送50，注册即送彩金",
        "【财税】代开各类增值税发票，税率低至1%，手续简单",
    ],
)
def test_half_a_advert_families_are_spam(text):
    assert SPAM.flag(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        # the half-A false flag: a bank's notice that a deposit matured and was rolled over
        "【XX银行】尊敬的客户，您的定期存款已于今日到期，已按约定自动转存，详询网点或客服热线。",
        "请问凭身份证可以申请助学贷款吗？多久能到账？",
        "警方破获一个刻章办证团伙，抓获嫌疑人5名。",
        "教师资格证考试有没有靠谱的培训班推荐？不要那种说保过的。",
        "市场监管局查处了一批虚假宣传的成人用品网店。",
        # found by bench/protect_rule_diff.py on the first draft of these rules: a COLD post about
        # exam fees, and the refund of a fake shop (fraud, not an advert)
        "我们那儿考驾照报名费加包过费杂七杂八下来要四千",
        "您的订单无法发货，需办理退款，请点击 tk-dy.cc 填写银行卡信息，退款1小时内到账。",
    ],
)
def test_notices_questions_and_news_are_not_spam(text):
    assert SPAM.flag(text) is None


def test_paid_sex_and_credit_repair_are_not_adverts():
    """Paid sex is sexual_solicitation (a person reviews it) and 征信修复 is fraud: the advert
    rules of 3.15 leave both to their own label instead of adding a spam flag."""
    sex = "同城约炮，上门服务，包夜一千，加微信详聊"
    assert SPAM.flag(sex) is None
    repair = "征信有逾期？内部渠道三天洗白征信，先交定金，咨询加V"
    assert SPAM.flag(repair) is None
    assert FRAUD.flag(repair) is not None


def test_blind_v10_is_well_formed_and_does_not_regress():
    """v10 (tests/fixtures/protect_probes_v10.jsonl) was written blind and committed alone
    (93f2b29) before its first read (fraud 90/123, spam 64/82, one legitimate row flagged).
    Rules 3.18 / 3.15 were written from half A only; the floors are the figures measured after
    (BENCHMARKS.md, "blind Chinese SMS set v10"), kept as a regression guard: no legitimate row
    of the 154 may be flagged."""
    rows = read_probes(SETS["v10_zh_sms_probes_blind_heldout"])
    assert len({r["id"] for r in rows}) == len(rows) == 359
    assert {r["label"] for r in rows} == {"scam_fraud", "spam", None}
    assert all(r["lang"] == "zh" and r["id"].startswith("v10.zh.") for r in rows)
    assert sum(half_of(r) == "A" for r in rows) == 189
    result = score_probes(HarmStage(nearest=0), rows)
    assert result["legitimate"]["items"] == 154 and result["legitimate"]["ids"] == []
    assert result["automated"]["two_detectors"]["legitimate"] == 0
    assert result["scam_fraud.all"]["caught"] >= 114, result["scam_fraud.missed"]
    assert result["spam.all"]["caught"] >= 73, result["spam.missed"]
