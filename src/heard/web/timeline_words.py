"""A case timeline's notes in the page's language. Heard writes some notes itself, in English, when
it stores an event ("routed by zero-shot (0.82)", "filed through heard-form", "new deadline …",
"closed, not fixed", why an imported reply was not imported); a page in Chinese says those in
Chinese. What a person wrote (a responder's note, a citizen's dispute, a published reply) is
shown as written: only the parts Heard wrote are recognised and put into words, and anything
not recognised is left as it is.

The stored note stays as it is (the API gives it unchanged): this is how a page shows it."""

from __future__ import annotations

import re
from collections.abc import Callable

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _routed_by(who: str) -> str:
    """Who or what chose the department (``cases.routed_by``), in Chinese."""
    kind, _, rest = who.partition(":")
    if kind == "source" and rest:
        return f"来源文件的「{rest}」列"
    if kind == "citizen" and rest:
        return f"市民（经 {rest}）"
    if kind == "person" and rest:
        return f"人工（{_role(rest)}）"
    if who == "issue-messages":
        return "问题所含留言的部门"
    return f"路由模型 {who}"


def _role(role: str) -> str:
    return {
        "admin": "管理员",
        "analyst": "分析员",
        "responder": "办理人员",
        "moderator": "审核员",
        "system": "系统",
        "citizen": "市民",
    }.get(role, role)


def _confidence(value: str | None) -> str:
    return f"（置信度 {value}）" if value else ""


def _skipped(reason: str) -> str:
    """Why an imported reply was not imported (``operator._imported_reply``), in Chinese."""
    for pattern, words in _SKIPPED:
        found = pattern.fullmatch(reason)
        if found:
            return words(found)
    return reason


_SKIPPED: list[_Rule] = [
    (
        re.compile(r"(.+) is a formula without a computed value; .*", re.S),
        lambda m: f"{m[1]} 是没有计算结果的公式；请用电子表格程序打开并保存该文件，或导出为 CSV",
    ),
    (
        re.compile(r"(.+) is given but the reply text is empty", re.S),
        lambda m: f"有 {m[1]}，但答复内容为空",
    ),
    (
        re.compile(r"(.+) has (\d+) characters, the limit is (\d+)", re.S),
        lambda m: f"{m[1]} 有 {m[2]} 个字符，上限为 {m[3]}",
    ),
    (re.compile(r"(.+) is empty", re.S), lambda m: f"{m[1]} 为空"),
    (re.compile(r"(\S+) ('.*'): (.*)", re.S), lambda m: f"{m[1]} {m[2]} 无法识别：{m[3]}"),
]

_PARTS: list[_Rule] = [
    (
        re.compile(r"routed by (.+?)(?: \((\d+\.\d+)\))?", re.S),
        lambda m: f"分派依据：{_routed_by(m[1])}{_confidence(m[2])}",
    ),
    (re.compile(r"filed through (.+)", re.S), lambda m: f"经 {m[1]} 提交"),
    (
        re.compile(r"opened from issue (\d+): (.*) \((\d+) messages\) by (\S+)", re.S),
        lambda m: f"由{_role(m[4])}从问题 {m[1]}「{m[2]}」立案（{m[3]} 条留言）",
    ),
    (re.compile(r"closed, not fixed"), lambda m: "已办结，但问题未解决"),
    (
        re.compile(r"new deadline (.+?)(?: \(was (.+)\))?", re.S),
        lambda m: f"新的办理期限 {m[1]}" + (f"（原为 {m[2]}）" if m[2] else ""),
    ),
    (
        re.compile(r"the source's reply was not imported: (.*)", re.S),
        lambda m: f"来源的答复未导入：{_skipped(m[1])}",
    ),
]


def _part(text: str) -> str:
    for pattern, words in _PARTS:
        found = pattern.fullmatch(text)
        if found:
            return words(found)
    return text


HEARDS = frozenset({"opened", "filed"})
"""Events whose whole note Heard wrote (the parts of an issue case's note included)."""
DEADLINE_MOVES = frozenset({"reopened", "disputed"})
"""Events whose note ends with Heard's " · new deadline …" after what a person wrote."""


def note_words(event: dict[str, object], lang: str) -> str:
    """The ``note`` of a timeline ``event`` as a page in ``lang`` shows it. In Chinese, the parts
    Heard wrote are in Chinese: an opening's or a filing's whole note (split at its "; "), a
    reopening's deadline after its " · ", and a dispute's default reason; what a person wrote
    (a reply, a status or reassignment note, a dispute's reason) is shown as written."""
    note = event.get("note")
    if not note:
        return ""
    text = str(note)
    if lang != "zh":
        return text
    kind = event.get("kind")
    if kind in HEARDS:
        return "; ".join(_part(p) for p in text.split("; "))
    if kind in DEADLINE_MOVES:
        said, sep, moved = text.rpartition(" · ")
        if not sep:
            said, moved = "", text
        if not moved.startswith("new deadline "):
            return text
        said = _part(said) if said == "closed, not fixed" else said
        return f"{said}{sep}{_part(moved)}"
    return text
