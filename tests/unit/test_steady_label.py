"""``steady_label``: a topic keeps its label while the label's terms are still its keywords and
no keyword is clearly heavier than the label's term in its place; otherwise the best keywords
are the label."""

from __future__ import annotations

from heard.listen.analysis.keywords import LABEL_MARGIN, label_from, steady_label

KEYWORDS = [("停水", 0.43), ("水压", 0.39), ("电梯", 0.39), ("物业", 0.34), ("不管", 0.1)]


def test_a_near_tie_keeps_the_label_in_its_own_order() -> None:
    assert steady_label("停水 · 水压 · 物业", KEYWORDS) == "停水 · 水压 · 物业"
    assert steady_label("水压 · 停水 · 电梯", KEYWORDS) == "水压 · 停水 · 电梯"


def test_the_best_keywords_when_the_evidence_moved_or_there_is_no_label() -> None:
    best = label_from(KEYWORDS)
    assert steady_label(None, KEYWORDS) == best
    assert steady_label("停水 · 水压 · 不管", KEYWORDS) == best  # 电梯 0.39 over 不管 0.10
    assert steady_label("停水 · 水压 · 路灯", KEYWORDS) == best  # 路灯 is no keyword now
    assert steady_label("停水 · 水压", KEYWORDS) == best  # a label of another length
    assert steady_label("停水 · 停水 · 水压", KEYWORDS) == best
    assert steady_label("停水 · 水压 · 物业", KEYWORDS[:2]) == label_from(KEYWORDS[:2])


def test_the_margin_is_the_line() -> None:
    edge = [("甲", 0.5), ("乙", 0.45), ("丙", 0.34 * (1 + LABEL_MARGIN)), ("丁", 0.34)]
    assert steady_label("甲 · 乙 · 丁", edge) == "甲 · 乙 · 丁"
    over = [*edge[:2], ("丙", edge[2][1] + 0.01), edge[3]]
    assert steady_label("甲 · 乙 · 丁", over) == "甲 · 乙 · 丙"
    assert steady_label("乙 · 甲 · 丙", over) == "乙 · 甲 · 丙"  # 0.5 is within 0.45 × 1.2
    assert steady_label("丙 · 乙 · 甲", [("甲", 0.6), *over[1:]]) == "甲 · 乙 · 丙"
