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
    (
        re.compile(r"a dispute's reason is at most ([\d,]+) characters; this one has ([\d,]+)"),
        lambda m: f"异议理由最多 {m[1]} 个字符，本次有 {m[2]} 个：请缩短后再提交",
    ),
    (
        re.compile(r"no case '(.*)'", re.S),
        lambda m: f"没有编号为“{m[1]}”的案件：请凭回执上的凭证查询",
    ),
    # the protect side's public pages: a statement of reasons, an appeal, a report of a post
    (
        re.compile(r"no decision for this token"),
        lambda m: "没有与此凭证对应的处理决定：请从通知中复制凭证",
    ),
    (
        re.compile(r"an appeal must say why the decision is wrong \(DSA Art\. 20\)"),
        lambda m: "申诉须说明处理决定错在哪里；空白申诉不予受理",
    ),
    (
        re.compile(r"an appeal is at most ([\d,]+) characters; this one has ([\d,]+)"),
        lambda m: f"申诉最多 {m[1]} 个字符，本次有 {m[2]} 个：请缩短后再提交",
    ),
    (
        re.compile(r"decision (\S+) has been appealed already"),
        lambda m: "此处理决定已申诉过：每个决定只能申诉一次",
    ),
    (
        re.compile(r"decision (\S+) took no action on the post: there is nothing to appeal"),
        lambda m: "此处理决定未对帖子采取任何措施，无需申诉",
    ),
    (
        re.compile(r"decision (\S+) is no longer in force: .*", re.S),
        lambda m: "此处理决定已被新的决定取代：请对现行决定提出申诉",
    ),
    (
        re.compile(r"no post named: open the report link under the post you want to report"),
        lambda m: "未指明帖子：请从要举报的帖子下方的“举报”链接打开",
    ),
    (re.compile(r"no post '(.*)'(: .*)?", re.S), lambda m: f"没有编号为“{m[1]}”的帖子"),
    (re.compile(r"no label was chosen"), lambda m: "请选择该帖子造成的危害类别"),
    (
        re.compile(r"'(.*)' is not a label of the harm taxonomy", re.S),
        lambda m: f"“{m[1]}”不是危害分类中的类别：请从列表中选择",
    ),
    (
        re.compile(r"a report's note is at most ([\d,]+) characters; this one has ([\d,]+)"),
        lambda m: f"举报说明最多 {m[1]} 个字符，本次有 {m[2]} 个：请简要说明",
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
