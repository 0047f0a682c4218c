"""Dashboard strings of the listen side's issues (key: (english, chinese))."""

STRINGS: dict[str, tuple[str, str]] = {
    "topic_provisional": (
        "Also shown with this topic: {n} loosely related posts, attached at the end of a run and "
        "not counted in its posts, authors or heat.",
        "另有 {n} 条关系较弱的帖子在运行结束时暂列于此话题，不计入其帖子数、作者数和热度。",
    ),
    "issues": ("Issues", "问题"),
    "issues_intro": (
        "One problem at one place or of one group, hottest first; near copies of a message "
        "count once.",
        "每个问题是一个地点或一个群体的一件事，按热度排序；重复或近似重复的留言只计一次。",
    ),
    "issue_place": ("Place or group", "地点/人群"),
    "issue_problem": ("Problem", "问题描述"),
    "issue_messages": ("Messages", "留言"),
    "issue_span": ("First → last", "首条 → 最近"),
    "issue_bursting": ("bursting now", "正在激增"),
    "issue_not_bursting": ("not bursting now", "目前未激增"),
    "issue_copy": ("a near copy", "近似重复"),
    "issue_facts": (
        "{messages} messages (+{copies} copies) from {authors} authors",
        "{messages} 条留言（另有 {copies} 条重复），{authors} 位作者",
    ),
    "issues_hidden": (
        "{n} issues with fewer than {k} distinct authors are not shown.",
        "{n} 个不同作者少于 {k} 人的问题不显示。",
    ),
    "no_issues": (
        "No issue yet: issues need at least 3 messages naming one place or group.",
        "暂无问题：一个问题需要至少 3 条留言提到同一地点或群体。",
    ),  # fmt: skip
    "window": ("Window", "时间窗口"),
    "id": ("No.", "编号"),
    "when": ("When", "时间"),
    "text": ("Message", "内容"),
    "topic": ("topic", "话题"),
    "issue_owner": (
        "{n} of the {total} messages with a case are with it",
        "有案件的 {total} 条留言中，{n} 条归该部门",
    ),
}
