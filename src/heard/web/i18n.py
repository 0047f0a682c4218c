"""The dashboard's two languages. ``translator(lang)`` returns ``t(key)``; a missing key shows
itself (a test checks every key has both languages)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from heard.web import strings as side_strings

LANGS = ("zh", "en")
STRINGS: dict[str, tuple[str, str]] = {
    # key: (english, chinese)
    "app": ("Heard", "Heard 听见"),
    "overview": ("Overview", "总览"),
    "topics": ("Topics", "话题"),
    "hotspots": ("Hot spots & alerts", "热点与预警"),
    "search": ("Search", "搜索"),
    "quarantine": ("Quarantine", "隔离区"),
    "upload": ("Upload", "上传"),
    "login": ("Log in", "登录"),
    "logout": ("Log out", "退出"),
    "username": ("Username", "用户名"),
    "password": ("Password", "密码"),
    "switch_lang": ("中文", "English"),
    "post": ("post", "条帖子"),
    "posts": ("posts", "条帖子"),
    "total_posts": ("Posts", "帖子总数"),
    "quarantined": ("Quarantined rows", "隔离行数"),
    "volume": ("Volume over time", "发帖量走势"),
    "languages": ("Languages", "语言"),
    "sources": ("Sources", "来源"),
    "sentiment_time": ("Sentiment over time", "情感走势"),
    "top_hotspots": ("Top hot spots", "热点排行"),
    "top_topics": ("Largest topics", "最大话题"),
    "label": ("Topic", "话题"),
    "keywords": ("Keywords", "关键词"),
    "size": ("Posts", "帖子数"),
    "authors": ("Authors", "作者数"),
    "sentiment": ("Sentiment", "情感"),
    "first_seen": ("First seen", "首次出现"),
    "last_seen": ("Last seen", "最近出现"),
    "places": ("Places", "地点"),
    "orgs": ("Organisations", "机构"),
    "representative": ("Representative posts", "代表性帖子"),
    "series": ("Posts over time", "帖子走势"),
    "heat": ("Heat", "热度"),
    "alerts": ("Alerts", "预警"),
    "no_data": ("Nothing here yet.", "暂无数据。"),
    "no_topics": ("No topics yet: ingest posts first.", "暂无话题：请先导入帖子。"),
    "query": ("Words to find (Chinese or English)", "搜索词（中文或英文）"),
    "any": ("any", "全部"),
    "language": ("Language", "语言"),
    "source": ("Source", "来源"),
    "go": ("Search", "搜索"),
    "next": ("Next page →", "下一页 →"),
    "results": ("results", "条结果"),
    "no_results": ("No posts match.", "没有匹配的帖子。"),
    "reason": ("Reason", "原因"),
    "file": ("File", "文件"),
    "position": ("Position", "位置"),
    "detail": ("Detail", "详情"),
    "upload_help": (
        "JSONL, JSON (an array), CSV or XLSX; bad rows are quarantined, the rest stored.",
        "支持 JSONL、JSON 数组、CSV、XLSX；坏行会被隔离，其余会被存储。",
    ),
    "preset": ("Field preset", "字段预设"),
    "send": ("Upload and ingest", "上传并导入"),
    "stored": ("Stored", "已存储"),
    "already": ("Already stored", "此前已存储"),
    "other_messages": (
        "Rows whose id a stored post has with another text (another board under the same name? "
        "upload it under another file name): not stored, quarantined with their reason",
        "编号与已存帖子相同但内容不同的行（同名的另一个留言板？请改用其他文件名上传）：未存储，已隔离并注明原因",
    ),
    "rows_read": ("Rows read", "读取行数"),
    "upload_done": ("Upload finished", "上传完成"),
    "upload_quarantined_rows": (
        "Quarantined rows of this file ({shown} of {n}; the Quarantine page has them all): "
        "the position is the row's line (a CSV's header is line 1), element or sheet row",
        "本文件的隔离行（共 {n} 行，此处列出 {shown} 行；隔离区页面列出全部）：位置为该行所在的行号"
        "（CSV 的表头为第 1 行）、数组元素序号或工作表行号",
    ),
    "upload_resumed": (
        "This file was uploaded or ingested before, to its line {row} (a workbook's row "
        "{row}): only what comes after was read, and nothing was stored twice.",
        "此文件此前已上传或导入，已读到第 {row} 行（表格文件为第 {row} 行）：本次只读取其后的内容，"
        "不会重复存储。",
    ),
    "upload_read_again": (
        "What this file held before its line {row} changed since it was read: it was read "
        "again from the start, and posts stored before were not stored twice.",
        "此文件第 {row} 行之前的内容自上次读取后有改动：已从头重新读取，已存储的帖子不会重复存储。",
    ),
    "upload_kept_source": (
        "Its rows were stored before as source {source}, which they keep.",
        "这些行此前已作为来源 {source} 存储，来源保持不变。",
    ),
    "upload_map": (
        "rename the column that holds each post's {what} to {names}{other_preset}, or ingest the "
        "file on the server with heard ingest FILE{preset} --map {target}=COLUMN (the API takes "
        "map={target}=COLUMN)",
        "请在文件中把存放每条帖子{what}的列改名为 {names}{other_preset}，或在服务器上用 heard "
        "ingest FILE{preset} --map {target}=列名 导入（API 用 map={target}=列名）",
    ),
    "upload_map_or": ("{first} (or {rest})", "{first}（或 {rest}）"),
    "upload_map_preset": (
        ", choose another preset (the default one reads the usual column names)",
        "，或选择其他预设（默认预设读取常见的列名）",
    ),
    "upload_no_time": (
        "; a file without each post's time cannot be read as it is: add a column with it (e.g. "
        "2026-11-03T08:00 or 2026-11-03)",
        "；文件没有每条帖子的时间则无法读取：请添加一列写明时间"
        "（如 2026-11-03T08:00 或 2026-11-03）",
    ),
    "field_text": ("text", "正文"),
    "field_created_at": ("time", "时间"),
    "suppressed": ("hidden: fewer than {k} distinct authors", "已隐藏：不同作者少于 {k} 人"),
    "login_failed": ("Wrong username or password.", "用户名或密码错误。"),
    "too_many": (
        "Too many failed logins. Try again in {s} s.",
        "登录失败次数过多，请 {s} 秒后再试。",
    ),
    "error": ("Error", "错误"),
    "more_chars": ("more characters", "个字符未显示"),
    "negative": ("negative", "负面"),
    "neutral": ("neutral", "中性"),
    "positive": ("positive", "正面"),
    "time": ("Time", "时间"),
    "posts_axis": ("Posts", "帖子数"),
    "window_all": ("all", "全部"),
    "export": ("Export", "导出"),
    "export_help": (
        "Files to hand on: personal data is masked and authors never leave, as on every page; "
        "topics need at least k distinct authors.",
        "可转交的文件：与各页面一样，个人信息已脱敏，不含作者；话题至少需要 k 位不同作者。",
    ),
    "export_posts": ("Posts (with message id and topic)", "帖子（含留言编号和话题）"),
    "export_topics": ("Topics", "话题"),
    "export_alerts": ("Alerts", "预警"),
    "export_issues": ("Issues", "问题"),
    "export_posts_filtered": ("Posts, chosen", "按条件导出帖子"),
    "export_posts_filtered_help": (
        "Days are local days ({zone}): from the start of the first to the end of the last. "
        "Leave a field empty to take all.",
        "日期按本地时间（{zone}）计：从首日零时到末日结束。留空表示不限。",
    ),
    "first_day": ("First day", "首日"),
    "last_day": ("Last day", "末日"),
    "topic_number": ("Topic no.", "话题编号"),
    "file_format": ("File format", "文件格式"),
    "issue": ("Issue", "问题"),
    "download": ("Download", "下载"),
    "evidence": ("Evidence", "依据"),
    "raw": ("Raw row (masked)", "原始行（已脱敏）"),
    "default": ("default", "默认"),
    "history": ("History", "变更记录"),
    "merged_from": ("Topic #{id} was merged into this one.", "话题 #{id} 已并入本话题。"),
    "not_found": ("Not found", "未找到"),
    "back": ("Back to the overview", "返回总览"),
    "message_id": ("Message id", "留言编号"),
    "appeal_facts": ("Reasons for the appeal decision", "申诉决定的理由"),
    "appeal_no_facts": ("none were recorded", "未记录理由"),
    "original": ("Source site", "来源网站"),
    "original_site_note": (
        "Only the site is shown: a post's full link can name its author (RIGHTS.md §4)",
        "只显示网站：帖子的完整链接可能暴露作者身份（RIGHTS.md §4）",
    ),
    "tokens": ("API tokens", "API 令牌"),
    "token_created": ("New token", "新令牌"),
    "token_once": (
        "Copy it now: it is shown only once (stored hashed). Send it as 'Authorization: Bearer "
        "TOKEN'.",
        "请立即复制：令牌只显示这一次（以哈希存储）。使用方式：'Authorization: Bearer TOKEN'。",
    ),
    "token_label": ("What it is for", "用途"),
    "token_create": ("Create token", "创建令牌"),
    "revoke": ("Revoke", "吊销"),
    "revoked": ("revoked", "已吊销"),
    "quiet_window": (
        "No hot spot: the {window} window holds {n} posts; the data runs from {first} to {last}.",
        "暂无热点：{window} 窗口内只有 {n} 条帖子；数据时间范围为 {first} 至 {last}。",
    ),
    "quiet_try": ("Try the {window} window ({n} hot spots) →", "试试 {window} 窗口（{n} 个热点）→"),
    "rights_note": (
        "Aggregates need at least {k} distinct authors; personal data is redacted; no per-author "
        "views.",
        "统计至少需要 {k} 位不同作者；个人信息已脱敏；不提供按作者查看。",
    ),
}


def _gather_side_strings() -> None:
    """Add each side's strings (``heard/web/strings/*.py``); a key defined twice is a bug."""
    for info in pkgutil.iter_modules(side_strings.__path__):
        module = importlib.import_module(f"{side_strings.__name__}.{info.name}")
        clash = STRINGS.keys() & module.STRINGS.keys()
        if clash:
            raise RuntimeError(f"dashboard string keys defined twice: {sorted(clash)}")
        STRINGS.update(module.STRINGS)


_gather_side_strings()


def pick_lang(cookie: str | None, accept: str | None) -> str:
    if cookie in LANGS:
        return cookie
    accept = (accept or "").lower()
    return "zh" if accept.startswith("zh") else "en"


def translator(lang: str) -> Callable[..., str]:
    index = 1 if lang == "zh" else 0

    def t(key: str, **values: object) -> str:
        pair = STRINGS.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t
