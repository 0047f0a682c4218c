"""Numbers in words an official reads: alert evidence ("131× the usual rate · p < 1e-12"),
sentiment means to two decimals, heat components and topic events by name, in English or Chinese.
Shared by the dashboard and the brief."""

from __future__ import annotations

import math
from typing import Any

P_FLOOR = 1e-12
"""Below this a p-value is shown as "p < 1e-12": the digits past it carry no meaning."""

_WORDS: dict[str, tuple[str, str]] = {
    "posts_from": ("{count} posts from {authors} authors", "{count} 条帖子，{authors} 位作者"),
    "expected": ("≈{expected} expected", "预期约 {expected} 条"),
    "times_usual": ("{ratio}× the usual rate", "为平常的 {ratio} 倍"),
    "no_baseline": ("no earlier posts to compare with", "此前无帖子可比"),
    "volume": ("volume", "帖量"),
    "growth": ("growth", "增长"),
    "authors": ("authors", "作者"),
    "engagement": ("engagement", "互动"),
    "negativity": ("negativity", "负面度"),
    "negative": ("negative", "负面"),
    "neutral": ("neutral", "中性"),
    "positive": ("positive", "正面"),
    "none": ("none", "无"),
    "created": ("created", "创建"),
    "merged": ("merged", "合并"),
    "moved": ("posts moved", "帖子转移"),
    "split": ("split", "拆分"),
    "relabelled": ("relabelled", "重新命名"),
    "retired": ("retired", "停用"),
    # case states (FixMyStreet/Open311) and the events of a case's timeline
    "open": ("open", "待处理"),
    "investigating": ("investigating", "调查中"),
    "in_progress": ("in progress", "处理中"),
    "action_scheduled": ("action scheduled", "已安排处理"),
    "internal_referral": ("internal referral", "内部转办"),
    "fixed": ("fixed", "已解决"),
    "closed": ("closed", "已办结"),
    "duplicate": ("duplicate", "重复"),
    "not_responsible": ("not responsible", "非本部门职责"),
    "no_further_action": ("no further action", "不再处理"),
    "opened": ("opened", "立案"),
    "filed": ("filed by the public", "群众提交"),
    "status": ("status changed", "状态变更"),
    "reassigned": ("moved to another department", "转办"),
    "replied": ("replied", "答复"),
    "reopened": ("reopened", "重新打开"),
    "disputed": ("disputed: closed, not fixed", "异议：已办结但未解决"),
}


def word(key: str, lang: str = "en") -> str:
    pair = _WORDS.get(key)
    return (pair[1] if lang == "zh" else pair[0]) if pair else key


def p_text(p: Any) -> str:
    """``p < 1e-12`` for a vanishing p-value, ``p = 3e-05`` / ``p = 0.02`` otherwise."""
    try:
        value = float(p)
    except (TypeError, ValueError):
        return ""
    if math.isnan(value):
        return ""
    if value < P_FLOOR:
        return "p < 1e-12"
    return f"p = {value:.2g}" if value >= 1e-3 else f"p = {value:.0e}"


def ratio_text(ratio: Any) -> str:
    try:
        value = float(ratio)
    except (TypeError, ValueError):
        return ""
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def evidence_words(ev: dict[str, Any] | None, lang: str = "en") -> str:
    """An alert's evidence as one line: ``12 posts from 9 authors · ≈0.09 expected · 131× the
    usual rate · p < 1e-12``."""
    if not isinstance(ev, dict):
        return ""
    zh = lang == "zh"
    parts = []
    if ev.get("count") is not None:
        parts.append(
            _WORDS["posts_from"][zh].format(count=ev["count"], authors=ev.get("authors", "?"))
        )
    if ev.get("expected") is not None:
        parts.append(_WORDS["expected"][zh].format(expected=f"{float(ev['expected']):.2g}"))
    if ev.get("rate_ratio") is not None:
        parts.append(_WORDS["times_usual"][zh].format(ratio=ratio_text(ev["rate_ratio"])))
    elif ev.get("count") is not None:
        parts.append(_WORDS["no_baseline"][zh])
    if ev.get("p_value") is not None:
        parts.append(p_text(ev["p_value"]))
    return " · ".join(p for p in parts if p)


def mean2(value: Any) -> str:
    """A sentiment mean with two decimals and its sign (``-0.41``, ``+0.12``, ``0.00``)."""
    try:
        rounded = round(float(value), 2)
    except (TypeError, ValueError):
        return "–"
    return "0.00" if rounded == 0 else f"{rounded:+.2f}"
