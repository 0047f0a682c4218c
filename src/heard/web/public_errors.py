"""What the public forms say back (a refused message, a wrong token, a case still open) in the
page's language. The reasons are written in English where they are decided (``answer.intake``,
``answer.cases``, the public pages) and shown as they are on an English page; a Chinese page says
the ones it recognises in Chinese, and any other as written."""

from __future__ import annotations

import re
from collections.abc import Callable

_SAID: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"no department '(.*)'", re.S), lambda m: f"没有部门“{m[1]}”，请从列表中选择"),
    (re.compile(r"the concern is empty"), lambda m: "留言内容为空：请写明发生了什么、在哪里"),
    (
        re.compile(r"the concern is (\d+) characters, longer than (\d+)"),
        lambda m: f"留言有 {m[1]} 个字符，超过上限 {m[2]}：请缩短，或分几次提交",
    ),
    (
        re.compile(r"the concern could not be stored \((.*)\)", re.S),
        lambda m: f"留言未能保存（{m[1]}）",
    ),
    (re.compile(r"no case for this token"), lambda m: "没有与此凭证对应的案件"),
    (re.compile(r"enter the token from your receipt"), lambda m: "请输入回执上的凭证"),
    (
        re.compile(r"no case with this number and token"),
        lambda m: "案件编号与凭证不符：请从回执复制两者",
    ),
    (
        re.compile(r"the case is (\S+): still open"),
        lambda m: "案件仍在办理中：部门办结后才能提出异议",
    ),
]


def said(error: str | None, lang: str) -> str:
    """``error`` as a public page in ``lang`` shows it."""
    if not error:
        return ""
    if lang != "zh":
        return error
    for pattern, words in _SAID:
        found = pattern.fullmatch(error)
        if found:
            return words(found)
    return error
