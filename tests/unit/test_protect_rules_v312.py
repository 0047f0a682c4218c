"""Rules scam_fraud 3.12 and spam 3.9 (2026-12-07), written from the misses of half A of the blind
probe set v8 (half B held out): each family with a sentence of its own, and beside it the
legitimate message of the same shape that must not be flagged. Sentences written for these tests;
none is a probe row."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector

FRAUD = RuleDetector("scam_fraud")
SPAM = RuleDetector("spam")


@pytest.mark.parametrize(
    "text",
    [
        "姐，我跟着一个老师在黄金平台带单，一个月翻了一倍，起步五千就行，亏了算我的。",
        "小王，我是李建华，这是我新号，存一下。明天上午来我办公室一趟，有事交代你。",
        "您好，这里是京东售后，您的包裹丢失了，给您三倍赔付，请打开借呗看下额度确认收款资格。",
        "您的征信不够放款，需要先往卡里存两万做一下流水，系统审核通过后自动放款。",
        "您有一个快递在海关被扣押，查出夹带违禁品，请配合调查，否则追究法律责任，按1转人工。",
        "亲爱的，我下周就回国见你，可是行李里的首饰要交清关费三万，你能先帮我垫上吗",
        "各位家长，本学期教辅费每人120元，请扫描下方二维码缴费，交完截图发群里。",
        "我表哥在彩票公司做技术，说这个平台后台有规律，我这周赚了八万，你也可以小额试试",
        "老同学！我是初中坐你同桌的刘洋，最近周转不开，能借我三千吗，打到我新卡号就行",
        "今年高职扩招有内部名额，包录取，服务费三万，名额有限先到先得。",
        "柬埔寨园区高薪招聘客服，包机票包食宿，会打字就行，月薪两万起，联系tg：@hr_job",
        "【停车收费】您的车辆已产生停车费，请扫描车窗上的二维码缴纳，逾期影响年检。",
    ],
)
def test_the_v8_half_a_families_are_flagged_as_fraud(text):
    assert FRAUD.flag(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "警方提醒：自称老师带单、承诺亏了算我的，都是投资诈骗，请勿相信。",
        "我在黄金平台买了点金条，跌了不少，后悔没听老婆的。",
        "明天上午请到我办公室来一趟，讨论下季度的预算。——王主任",
        "老同学，我是你大学室友阿杰，最近周转不开想找你借两千，周末我去你家当面说。",
        "我毕业后在电子厂做了四个月流水线，每天站十二个小时，工资也不高。",
        "京东售后回复：您的包裹丢失已登记，赔付金额已原路退回，无需任何操作。",
        "【市第一中学】本学期教辅费请通过学校缴费平台缴纳，学校不会通过个人二维码收费。",
        "【停车场公告】停车费请在出口岗亭或官方APP缴纳，请勿扫描车窗上来历不明的二维码。",
    ],
)
def test_look_alike_legitimate_messages_are_not_fraud(text):
    """Warnings, a real loss, a real manager, a real refund, fees through the school's platform."""
    assert FRAUD.flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "麻将 炸金花 牛牛 上下分 微信秒结 老板私聊",
        "二级建造师证书挂靠，年挂靠费五万起，欢迎咨询。",
        "不用囤货零门槛，一部手机在家创业，宝妈也能月入过万，想了解的扣1",
        "【鑫鑫地产】城南新盘内部折扣房源，比开发商便宜6个点，加我微信了解。",
        "🔥消费贷 经营贷 当天放款 下款快 V:dk88888",
        "【优选好物】深海鱼油胶囊 降血脂克星 原价398 今日特价128 货到付款",
        "专业刷好评删差评，店铺排名提升，微信 shop_rank99",
    ],
)
def test_the_v8_half_a_spam_families_are_flagged(text):
    assert SPAM.flag(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "【老张电器维修】您的冰箱已修好，维修费共计220元，取件时付款即可。",
        "【北京银行】您的个人房贷利率已调整，调整后月供4,105.20元，详情请到网点咨询。",
    ],
)
def test_a_notice_about_the_readers_own_service_is_not_spam(text):
    assert SPAM.flag(text) is None
