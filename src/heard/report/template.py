"""The brief's HTML template (Jinja2, autoescaped: every post text, label and keyword is escaped;
only the Plotly figures Heard builds itself are inserted as markup)."""

from importlib.resources import files

BRIEF = (files("heard.report") / "templates" / "brief.html").read_text(encoding="utf-8")
"""The brief's page, ``templates/brief.html``."""

STRINGS: dict[str, tuple[str, str]] = {
    # key: (english, chinese)
    "title": ("Heard brief", "Heard 舆情简报"),
    "generated": ("Generated", "生成于"),
    "posts_span": (
        "{n} posts from {first} to {last} (times in {zone})",
        "共 {n} 条帖子，时间 {first} 至 {last}（{zone}）",
    ),
    "window": ("hot-spot window {window} ending {end}", "热点窗口 {window}，截至 {end}"),
    "k_note": (
        "groups under {k} distinct authors are not shown ({spots} hot-spot candidates, {topics} "
        "topics hidden)",
        "不同作者少于 {k} 人的群组不显示（隐藏 {spots} 个热点候选、{topics} 个话题）",
    ),
    "issues": ("Issues: one problem at one place or of one group", "问题：一个地点或群体的一件事"),
    "no_issues": (
        "No issue has messages from {k} or more distinct authors yet.",
        "暂无达到 {k} 位以上不同作者的问题。",
    ),
    "place": ("place or group", "地点/人群"),
    "problem": ("problem", "问题描述"),
    "messages": ("messages", "留言数"),
    "bursting": ("bursting now", "正在激增"),
    "hot_spots": ("Hot spots", "热点"),
    "no_hot": (
        "No topic in this window has posts from {k} or more distinct authors:",
        "此窗口内没有话题达到 {k} 位以上不同作者：",
    ),
    "widen": (
        "(heard report --window 90d, 1y or all widens it.)",
        "（可用 heard report --window 90d、1y 或 all 扩大窗口。）",
    ),
    "unlabelled": ("(unlabelled)", "（未命名）"),
    "topic": ("topic", "话题"),
    "issue": ("issue", "问题"),
    "heat": ("heat", "热度"),
    "posts_authors": ("{posts} posts · {authors} authors", "{posts} 条帖子 · {authors} 位作者"),
    "burst": ("burst", "突增检验"),
    "expected_of": ("{count} posts, {expected} expected", "{count} 条，预期 {expected} 条"),
    "keywords": ("keywords", "关键词"),
    "places": ("places", "地点"),
    "component": ("component", "分项"),
    "raw": ("raw", "原始值"),
    "score": ("score (0–1)", "得分（0–1）"),
    "alerts": ("Alerts", "预警"),
    "no_alerts": ("No burst alert has fired.", "尚未触发突增预警。"),
    "began": ("burst began", "突增开始于"),
    "top_topics": ("Top topics", "主要话题"),
    "labels_then": (
        "Topic labels and keywords as they stood at {at}.",
        "话题名称与关键词为 {at} 时的样子。",
    ),
    "labels_now": (
        "{n} topic label(s) marked “today” are today's: the store holds no label of theirs from "
        "before {at} (labels are kept as each run writes them; a store filled in one run, or "
        "rebuilt, holds none earlier).",
        "标有“今日”的 {n} 个话题名称为今日名称：数据库中没有它们在 {at} 之前的名称（名称随每次"
        "运行写入而保留；一次性导入或重建的数据库没有更早的名称）。",
    ),
    "today": ("today", "今日"),
    "label": ("label", "名称"),
    "posts": ("posts", "帖子数"),
    "sentiment": ("sentiment", "情感"),
    "first_last": ("first → last seen", "首次 → 最近出现"),
    "volume_sentiment": ("Volume and sentiment", "发帖量与情感"),
    "answer": ("Answer: each department's public record", "回应：各部门公开记录"),
    "department": ("department", "部门"),
    "cases": ("cases", "案件"),
    "answered": ("answered", "已答复"),
    "median_days": ("median days to answer", "答复用时中位数（天）"),
    "overdue_open": ("open past deadline", "逾期未办结"),
    "reopened": ("reopened (disputed)", "重开（群众异议）"),
    "unanswered_complaints": ("complaints not answered", "未答复的投诉"),
    "all_departments": ("all", "合计"),
    "protect": ("Protect: flags and decisions", "治理：标记与处理"),
    "protect_line": (
        "{flags} flags, {pending} waiting for a moderator · {decisions} decisions, {automated} of "
        "them automated (spam and scams only) · {appeals} appeals",
        "共 {flags} 条标记，{pending} 条待审核 · {decisions} 项处理决定，"
        "其中 {automated} 项自动（仅限垃圾信息与诈骗）· 申诉 {appeals} 件",
    ),
    "by_label": ("flags by label", "按类别的标记数"),
    "count": ("count", "数量"),
    "by_decision": ("decisions", "处理决定"),
    "sides_at": (
        "Cases and moderation are not shown in a brief written as of a past moment: their history "
        "is not replayed (heard accountability and heard transparency give them now).",
        "按过去某一时刻生成的简报不显示案件与治理数据：其历史不回放"
        "（当前数据见 heard accountability 与 heard transparency）。",
    ),
    "footer": (
        "Sentiment labels per day over all posts (model: {models}). Heat = 100 × (0.25 volume + "
        "0.25 growth "
        "+ 0.20 authors + 0.15 engagement + 0.15 negativity), each component x/(x+half) — see "
        "docs/heat.md. "
        "Personal data in post texts is masked; authors are never shown.",
        "全部帖子每日情感标签（模型：{models}）。热度 = 100 ×（0.25 帖量 + 0.25 增长 + 0.20 作者 + "
        "0.15 互动 + "
        "0.15 负面度），各分项按 x/(x+half) 计算，详见 docs/heat.md。帖子中的个人信息已脱敏；不显示"
        "作者。",
    ),
}
LANGS = ("en", "zh")
