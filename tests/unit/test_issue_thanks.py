"""Which messages are thanks, left out of the issues (``operator.is_thanks``): a thank-you for a
fix is; a complaint written politely, which a complaint board's intent model often labels praise
(附件3: 29 such messages, 附件4: 22), is not, and neither is sarcasm (negative)."""

from __future__ import annotations

import pytest

from heard.listen.issues.operator import is_thanks


@pytest.mark.parametrize(
    "title",
    [
        "感谢松柏路路灯已经修好了",
        "Thanks, Changle Road water is fixed",
        "感谢各位领导，我反映的问题得到了重视",
        "已收到A7县星沙医院开具的晶体交费发票，感谢领导",
    ],
)
def test_a_thank_you_is_thanks(title: str) -> None:
    assert is_thanks({"title": title, "intent_label": "praise", "sentiment_score": 0.6})


@pytest.mark.parametrize(
    ("title", "text", "intent", "score"),
    [
        ("A市楚雅宿舍区树木太茂密了，挡住了很多阳光", "感谢政府…但树木太茂密了", "praise", 0.81),
        ("请求硬化B7县米瑶社区三组到荣花村一组的道路", "我是米瑶社区一组组民", "praise", 0.3),
        ("A市松雅湖东方航标2栋2楼有传销窝点", "您好 谢谢您能在百忙之中看到", "praise", 0.07),
        ("希望给B2区枫溪学校通公交车，感谢政府", "", "praise", 0.6),
        ("感谢城管局让我们又一夜没睡", "", "praise", -0.7),
        ("感谢松柏路路灯已经修好了", "", "complaint", 0.6),
        ("", "谢谢修路灯和补路的师傅们，路灯亮了", "other", 0.8),
    ],
)
def test_a_polite_complaint_or_sarcasm_is_not(
    title: str, text: str, intent: str, score: float
) -> None:
    row = {"title": title, "text": text, "intent_label": intent, "sentiment_score": score}
    assert not is_thanks(row)
