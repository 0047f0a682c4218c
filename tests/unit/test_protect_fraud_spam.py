"""Telecom fraud and commercial spam (rules v2): each cue family catches a phrasing it was not
written from, and the speech around scams — warnings, news, advice, victims, criticism, real
notices, a boss who really wants a meeting — comes through unflagged (RIGHTS.md §1, §5).

The sentences here are written for these tests; the probe sets are
``tests/fixtures/protect_probes_{sealed,dev,v3,v4,v5,v6}.jsonl`` (see bench/protect_probes.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from heard.protect.detectors import RuleDetector
from heard.protect.detectors.rules import ruleset
from heard.protect.stage import HarmStage

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from protect_probes import SETS, read_probes, score_probes  # noqa: E402


@pytest.fixture(scope="module")
def stage() -> HarmStage:
    return HarmStage(nearest=0)


def labels(stage: HarmStage, text: str) -> list[str]:
    return [f["label"] for f in stage.flag_texts([text])[0]]


FRAUD = {
    "boss_payment": "我是你们冯总，客户在催尾款，你现在从公账转15万给对方，合同我明天补。",
    "boss_opener": "我是钱董，这是我私人号码，你存一下，明早到我办公室来。",
    "kin": "外婆，是我，我在学校跟人打架了，要赔人家八千块，你先给我转过来，别告诉我妈。",
    "borrowed_phone": "我手机掉了，这是室友的号码，今天要交考试费九百，你转给室友就行。",
    "acquaintance": "我是你大学室友阿伟，最近资金周转不开，能不能先借我五千，月底还你。",
    "acquaintance_opener": "还记得我吗？我是你高中同学，换号了，这是新号，存一下。",
    "authority": "这里是市公安局反洗钱中心，您名下账户涉嫌洗钱，"
    "请将资金转入清查账户，不得告诉他人。",
    "service": "您好，我是京东售后，您买的电饭煲被召回了，我们给您退款，请提供银行卡号和验证码。",
    "unwanted_charge": "您好，您误开通了某平台会员，每月自动扣费399元，关闭需要联系客服操作。",
    "campus_loan": "同学，你之前的校园贷账户要注销，否则影响征信，请联系我们客服处理。",
    "task": "招募抖音点赞员，每点一个赞2元，日结，加微信领任务。",
    "loan_fee": "您的网贷已审批，放款前需先交2000元保证金，到账后退还。",
    "credit_repair": "专业修复征信，逾期记录一周洗白，成功后付款。",
    "investment": "跟着老师做期货，月收益40%以上，名额有限，私聊拉你进群。",
    "romance": "亲爱的，这个平台我已经赚了十几万，你也充两万进去，我带你操作。",
    "withdrawal": "您的账户提现失败，系统检测风控异常，需缴纳30%保证金解冻后提现。",
    "game": "出售满级游戏账号，全皮肤，只走我给的交易平台，先付定金。",
    "official_link": "【社保中心】您的社保卡已暂停使用，请点击 sbk-jh.top 完成认证。",
    "prize": "恭喜您被选为本台幸运观众，获得奖金6万元，领奖需先缴纳手续费800元。",
    "points": "您的账户积分将于今日清零，请尽快登录 jf-dh.vip 兑换现金。",
    "en_boss": "Hi, it's Paul, your CEO. Are you at your desk? I need you to buy some gift cards.",
    "en_kin": "Hi Dad, my phone broke so this is my new number. Can you help me pay a bill today?",
    "en_authority": "A warrant has been issued for unpaid tolls. Pay the fine by gift card today.",
    "en_parcel": "Your parcel is on hold due to an unpaid fee. Pay at parcel-track-fee.com today.",
    "en_locked": "Your account has been locked. Verify your details at acct-secure.net now.",
}

SPAM = {
    "retail_footer": "【XX超市】周末水果5折，会员再享满100减20，欢迎到店选购，退订回T",
    "local_service": "专业空调维修加氟，十年老店，半小时上门，电话13912340000",
    "property": "【XX地产】地铁口精装公寓，首付10万起，本周看房送家电，热线0731-84441234",
    "education": "英语四六级冲刺班开课啦，报名立减200元，名额有限，咨询李老师15512340000",
    "invoice": "各类正规发票代开，可查验，税点低，微信同号13700001234",
    "gambling": "【银河娱乐】新用户注册送58元体验金，首存加送20%，网址 yh88.vip",
    "loan_ad": "急用钱？身份证即可办理，当天放款，额度最高20万，联系王经理",
    "coupon": "尊敬的顾客，您的50元代金券已到账，满300元可用，有效期7天。",
    "en_sale": "Mega SALE: up to 70% off sitewide this weekend, free shipping. "
    "Shop now at our store.",
}

LEGITIMATE = [
    # real notices: money or codes mentioned, nothing asked
    "【工商银行】您尾号1234的账户12月05日转入工资6,800.00元，余额9,102.33元。",
    "【招商银行】验证码 220314，用于网上支付，请勿泄露给任何人。",
    "【中国联通】您本月已用流量12GB，套餐剩余8GB，详情可拨打10010查询。",
    "【公积金中心】您的公积金贷款已于12月5日扣款2,356元，请确保账户余额充足。",
    # people at work and at home
    "小赵，明天上午来我办公室一趟，把合同带上。",
    "刘总让我通知大家，周一上午九点在三楼开会。",
    "爸，我这个月房租交了，生活费有点紧，你有空给我打一千吧。",
    "我换了新手机，号码和微信都没变。",
    "我是市教育局的，明天请来我办公室一趟。",  # an office, not a person claiming a title
    "我是街道办的李主任，请您明天来我办公室一趟，当面沟通您反映的问题。",
    # warnings, advice, news, victims, satire about scams
    "提醒：有人冒充我的微信说换号了让大家转账，我没换号，大家千万别转。",
    "反诈民警提醒：自称客服说要退款理赔、让你开屏幕共享的，都是诈骗。",
    "记者从警方获悉，一个冒充公检法的诈骗团伙被抓获，涉案金额两千余万元。",
    "我被刷单诈骗骗了八千块，报警后民警说很难追回，大家不要做刷单兼职。",
    "骗子的话术越来越专业，比某些窗口单位的服务态度还好。",
    # criticism: never harm
    "银行眼看着老人把积蓄转给骗子也不拦，事后推得一干二净，监管部门该问责。",
    "公安局的反诈宣传年年搞，真被骗了报案却没人管，这算什么为人民服务？",
    # asking about or complaining of adverts
    "请问有没有靠谱的装修公司推荐？预算十五万。",
    "天天收到退订回T的广告，回复了也没用，这种营销短信能不能管管？",
    "楼下新开的面馆开业打八折，味道不错，推荐给大家。",
    # a confirmation of one's own booking; advice to trade game items on the official platform
    "【途牛】您预订的三亚酒店订单已确认，入住时间1月3日，取消或修改请在订单页操作。",
    "买装备千万不要私下交易，走官方平台才有保障，我表弟就被骗了两千。",
    # English
    "Your verification code is 448120. Never share it with anyone, we will never ask for it.",
    "Can you come to my office at 3 tomorrow? I'd like to talk about the budget.",
    "Scam alert: texts saying 'Hi Mum, this is my new number' are fake. Call your kids first.",
    "Police arrested two men posing as tax officers who demanded gift-card payments.",
]


@pytest.mark.parametrize("family", sorted(FRAUD))
def test_each_fraud_family_is_flagged_as_scam(stage, family):
    assert "scam_fraud" in labels(stage, FRAUD[family]), FRAUD[family]


@pytest.mark.parametrize("family", sorted(SPAM))
def test_each_spam_family_is_flagged_as_spam(stage, family):
    assert "spam" in labels(stage, SPAM[family]), SPAM[family]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_speech_around_scams_and_adverts_is_not_flagged(stage, text):
    assert labels(stage, text) == []


def test_an_opener_is_flagged_for_review_not_for_automatic_action():
    """A claimed superior asking for a meeting, with no money yet, waits for a person
    (score below the default 0.9 auto-action threshold); asking for money does not wait."""
    detector = RuleDetector("scam_fraud")
    opener = detector.flag(FRAUD["boss_opener"])
    payment = detector.flag(FRAUD["boss_payment"])
    assert opener is not None and opener.score < 0.9 and opener.rule == "superior_opener"
    assert payment is not None and payment.score >= 0.9
    assert {m.cue for m in payment.matches} >= {"claims_superior", "money_ask"}


def test_home_service_adverts_are_not_sexual_solicitation(stage):
    """上门服务 is how plumbers, carers and car washes sell: alone it is no sexual offer."""
    advert = "空调清洗上门服务，一台只要79元，全市可约，电话138 0000 1234。"
    assert "sexual_solicitation" not in labels(stage, advert)
    assert "sexual_solicitation" in labels(stage, "同城美女上门服务，包夜800元，加微信私聊。")


def test_rule_versions_are_in_the_flags():
    assert ruleset("scam_fraud").version == "3.18" and ruleset("spam").version == "3.15"
    flag = RuleDetector("scam_fraud").flag(FRAUD["authority"])
    assert flag is not None and flag.version == "3.18"


def test_a_complaint_about_a_sales_email_is_not_boss_fraud(stage):
    """A TweetEval post the 2026-12-06 protect bench flagged (0.93, so an automated decision):
    'send me' was a transfer cue and 'from accounts' a boss cue, wherever they stood."""
    tweet = (
        "@user Why do you send me a sales email suggesting that I am procrastinating "
        "'asking out Derek from accounts'?  I am male."
    )
    assert labels(stage, tweet) == []
    boss = "Hey it's Tom from accounts, the CEO asked me to get gift cards, send me the codes."
    assert "scam_fraud" in labels(stage, boss)


def test_a_text_without_any_rules_first_cue_is_ruled_out_by_the_gate():
    rules = ruleset("scam_fraud")
    assert rules.gate is not None and len(rules.gate) >= 10
    assert rules.evaluate("今天天气很好，我们去公园散步。") == (0.0, [], {})


@pytest.mark.parametrize("name", sorted(n for n in SETS if not n.endswith("_heldout")))
def test_probe_sets_flag_no_legitimate_row_and_catch_most_harms(stage, name):
    rows = read_probes(SETS[name])
    assert len({r["id"] for r in rows}) == len(rows)
    result = score_probes(stage, rows)
    assert result["legitimate"]["items"] >= 60 and result["legitimate"]["ids"] == []
    # the bars are what was measured (sealed: once, after widening), kept as regressions
    floor = 0.9 if name.startswith("sealed") else 0.97
    for label in ("scam_fraud", "spam"):
        assert result[f"{label}.all"]["recall"] >= floor, (label, result[f"{label}.missed"])


def test_blind_v4_probes_are_well_formed_and_do_not_regress(stage):
    """v4 is held out: written blind and measured once on rules v3
    (bench/results/protect_probes_v4_blind.json), then once with the ``written_head`` detector
    added (bench/results/protect_fraud_head.json: recall 0.669 / 0.778). Rules scam_fraud 3.6
    and spam 3.3 were then written from its misses (2026-12-07), so it is a tuned set now: the
    floors are the figures measured after that (124/130, 82/90), kept as a regression guard."""
    rows = read_probes(SETS["v4_probes_blind_heldout"])
    assert len({r["id"] for r in rows}) == len(rows) == 364
    assert {r["label"] for r in rows} == {"scam_fraud", "spam", None}
    assert {r["lang"] for r in rows} == {"zh", "en"}
    assert all(r["id"].startswith(f"v4.{r['lang']}.") and r["family"] and r["text"] for r in rows)
    result = score_probes(stage, rows)
    # the rules' two false flags (a hotel booking confirmation, advice against private game
    # trades) were fixed after that measurement (a tuned figure now); the head's flag on a
    # delivery notice (for review only) is a known miss, not an accepted one
    assert result["legitimate"]["items"] == 144
    flagged = {i for i, _ in result["legitimate"]["ids"]}
    assert flagged <= {"v4.en.legit.courier_notice.01"}, result["legitimate"]["ids"]
    assert result["scam_fraud.all"]["recall"] >= 0.95, result["scam_fraud.missed"]
    assert result["spam.all"]["recall"] >= 0.91, result["spam.missed"]


def test_blind_v5_probes_are_well_formed_and_do_not_regress(stage):
    """v5 is held out: written blind (2026-12-07), committed alone, measured on rules 3.4 + the
    written head (bench/results/protect_probes_v5_blind.json: 0.783 / 0.857) and after rules
    3.6 / 3.3 (0.812 / 0.857). Floors: those figures, a regression guard, not goals."""
    rows = read_probes(SETS["v5_probes_blind_heldout"])
    assert len({r["id"] for r in rows}) == len(rows) == 170
    assert {r["label"] for r in rows} == {"scam_fraud", "spam", None}
    assert all(r["id"].startswith(f"v5.{r['lang']}.") and r["family"] and r["text"] for r in rows)
    result = score_probes(stage, rows)
    assert result["legitimate"]["items"] == 59
    flagged = {i for i, _ in result["legitimate"]["ids"]}
    # a real refund notice: rules 3.5 no longer flag it, the written head still sends it to review
    assert flagged <= {"v5.zh.legit.customer_service.01"}, result["legitimate"]["ids"]
    assert result["scam_fraud.all"]["recall"] >= 0.81, result["scam_fraud.missed"]
    assert result["spam.all"]["recall"] >= 0.85, result["spam.missed"]


def test_blind_v6_probes_are_well_formed_and_do_not_regress(stage):
    """v6 (2026-12-07): 256 Chinese rows written blind and committed alone, measured once on
    rules 3.8 / 3.4 (bench/results/protect_probes_v6_blind.json: 81/101, 56/69, 6/86 flagged).
    Rules 3.9 / 3.5 were written from half A's misses; half B was read once as held out
    (protect_probes_v6_halfB_heldout.json), then 3.10 / 3.6 fixed the false flags it showed.
    Floors: the figures after that (93/101, 61/69), a regression guard, not goals."""
    rows = read_probes(SETS["v6_probes_blind_heldout"])
    assert len({r["id"] for r in rows}) == len(rows) == 256
    assert {r["label"] for r in rows} == {"scam_fraud", "spam", None}
    assert all(r["id"].startswith("v6.zh.") and r["lang"] == "zh" and r["text"] for r in rows)
    result = score_probes(stage, rows)
    assert result["legitimate"]["items"] == 86
    flagged = {i for i, _ in result["legitimate"]["ids"]}
    # the written head sends a courier's and a shop's real notices to review: known, not accepted
    assert flagged <= {"v6.zh.legit.delivery.05", "v6.zh.legit.cs.01"}, flagged
    assert result["automated"]["two_detectors"]["legitimate"] == 0
    assert result["scam_fraud.all"]["recall"] >= 0.92, result["scam_fraud.missed"]
    assert result["spam.all"]["recall"] >= 0.88, result["spam.missed"]


CUSTOMER_SERVICE_COMPLAINTS = [
    # written to probe the protect side (2026-12-06): each scored 0.92 under
    # impersonated_service_asks_for_credentials, at or above the automatic-action threshold, so
    # a complaint about a bank or a shop was demoted with no person involved
    "投诉：某银行客服擅自给我开通信用卡，还收年费，客服电话95588，我的卡号6222021001123456789",
    "某银行客服擅自给我开通信用卡，还收年费，我的卡号6222021001123456789",
    "投诉某银行：客服电话打了十次，每次都让我重新报卡号，问题还是没解决",
    "反映一下，社保卡密码忘了，去窗口办理，工作人员说要本人带身份证，客服电话也打不通",
    "请问银行客服打电话让我提供卡号正常吗",
    "物业客服要我把门禁卡号发过去才能给我开通，太麻烦了",
    "I complained to PayPal support about the refund and they asked for my card number "
    "again, useless.",
    # 卡密 (a gift card's code) inside 社保卡密码 / 银行卡密码 (a card's password): gift_card_codes
    # scored 0.9 on any text containing it
    "社保卡密码忘了，去窗口重置要排两个小时队，能不能开通网上办理？",
    "银行卡密码输错三次被锁了，柜台说要本人去开户行，太不方便了",
    # asks_for_id_and_card (0.92) and problem_handled_on_private_channel (0.9) on a suggestion
    # about red tape and a question about a courier
    "公积金提取需要提供银行卡号和身份证，手续太繁琐了，建议简化",
    "快递丢了，快递员让我加他微信私下赔偿，这正常吗",
    # prize_or_loan_with_upfront_fee (0.9) on a fee complaint: an upfront fee and a refund, but
    # the refund is the one refused (written 2026-12-06)
    "驾校要求先交3000元报名费，退款也不给退",
    "健身房让先交2000元会员费，现在倒闭了，迟迟不退",
    "培训机构先交5000元学费，课没上几节就跑路了，拒不退钱",
]


@pytest.mark.parametrize("text", CUSTOMER_SERVICE_COMPLAINTS)
def test_a_complaint_about_customer_service_is_not_a_scam(stage, text):
    assert labels(stage, text) == []


def test_customer_service_asking_for_the_readers_card_is_still_a_scam(stage):
    for text in (
        "您好，我是淘宝客服，您的订单异常需要退款，请提供您的银行卡号和验证码。",
        "This is Amazon support: your refund is ready, reply with your card number to get it.",
    ):
        assert "scam_fraud" in labels(stage, text), text


POLITICAL_TWEETS = [
    # TweetEval tweets the spam rules actioned automatically (0.9-0.92), run 2026-12-06: a voting
    # record naming a payday-loans bill, satire about gun control, a political follow group
    "@user - both don't support Medicare for all  - both voted against the dreamers  - both "
    "voted for the racist police brutality bill  - both voted to give Donald trump and even "
    "larger military budget .  - both didn't do a thing on gun control  - both voted for the "
    "racist payday loans bill",
    "@user Gosh dangit!!!    IF we only had reasonable replica gun control this craziness "
    "wouldn't happen!!   😉",
    "@user @user @user Nice group of #maga follow back thanks !!!",
    # written for this test
    "The council must ban payday loans near schools, vote YES on the bill!!!",
]


@pytest.mark.parametrize("text", POLITICAL_TWEETS)
def test_political_tweets_naming_loans_replicas_or_follow_backs_are_not_spam(stage, text):
    assert "spam" not in labels(stage, text)


def test_loan_replica_and_follower_adverts_are_still_spam(stage):
    for text in (
        "Payday loan approved in minutes, no credit check! Apply now, call 0800 123 456",
        "Rolex replicas 90% off, free delivery, order today!",
        "1000 followers for $5, sub4sub, DM us!!!",
    ):
        assert "spam" in labels(stage, text), text


VICTIMS_TELLING_WHAT_HAPPENED = [
    # written probing the protect side (2026-12-06): withdrawal_blocked_fee (0.92), task_scam
    # (0.9) and problem_handled_on_private_channel (0.9) decided these automatically; each tells
    # what a platform or a seller asked of the writer, and asks for help
    "我在某平台买理财，现在提现不了，客服一直说系统维护，要求先交10%的手续费才能提现",
    "公司让员工下载一个APP刷单，说完成任务返佣金，结果钱转进去就提不出来了，求助",
    "网购的手机是假货，商家让我加他微信私下退款，我加了以后他让我先付运费",
]


@pytest.mark.parametrize("text", VICTIMS_TELLING_WHAT_HAPPENED)
def test_a_victim_telling_what_a_platform_asked_is_not_a_scam(stage, text):
    assert labels(stage, text) == []


def test_the_platform_asking_the_reader_is_still_a_scam(stage):
    text = "您的账户提现失败，系统检测到异常，需先缴纳10%手续费解冻后才能提现，请尽快处理。"
    assert "scam_fraud" in labels(stage, text)
