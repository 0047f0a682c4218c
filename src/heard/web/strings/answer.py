"""Dashboard strings of the answer side: public record, case pages, the concern form and the
responder's desk (key: (english, chinese))."""

STRINGS: dict[str, tuple[str, str]] = {
    # where a case's concern came from (a post's source; other sources keep their names)
    "channel_heard-form": ("the public form", "公众留言表单"),
    "channel_open311": ("Open311 request", "Open311 请求"),
    "channel_issue": ("an issue (several messages)", "问题（多条留言）"),
    "departments": ("Departments", "部门"),
    "dept_retired_short": ("no longer in service", "已停用"),
    "dept_retired": (
        "This department is no longer in service: concerns are not sent to it any more, and its "
        "open cases went to the triage queue to be assigned to another department. Its record "
        "and its cases stay public.",
        "该部门已停用：不再受理新的诉求，其未办结案件已转入待分派，由工作人员分派给其他部门。"
        "其办理记录和案件仍然公开。",
    ),
    "departments_intro": (
        "How each department answers the public: response rate, response times, overdue, "
        "closed late and reopened cases, complaints not answered, reply quality. Anyone can "
        "read this page; no account is needed.",
        "各部门答复公众的记录：答复率、答复用时、逾期、超期办结与被重新打开的案件、未答复的投诉、"
        "答复质量。"
        "任何人都可以查看本页，无需账号。",
    ),
    "department": ("Department", "部门"),
    "cases_n": ("Cases", "案件数"),
    "answered": ("Answered", "已答复"),
    "response_rate": ("Response rate", "答复率"),
    "median_days": ("Median days to reply", "答复用时中位数（天）"),
    "p90_days": ("90th percentile days", "90% 分位用时（天）"),
    "open_cases": ("Open", "处理中"),
    "overdue_open": ("Overdue", "已逾期"),
    "closed_late": ("Closed late", "超期办结"),
    "reopened": ("Reopened", "被重新打开"),
    "disputed": ("Disputed closures", "被质疑的办结"),
    "unanswered_complaints": ("Complaints not answered", "未答复的投诉"),
    "reply_quality": ("Reply quality", "答复质量"),
    "all_departments": ("All departments", "全部部门"),
    "file_concern": ("Write to a department", "给部门留言"),
    "file_intro": (
        "Your message is published (personal data such as phone numbers is hidden) and goes to "
        "the department you choose. You get a case number and a token: keep the token, it is "
        "shown once and lets you dispute a closure. Nothing about you is stored.",
        "您的留言会公开（电话号码等个人信息会被隐藏），并转给您选择的部门。"
        "您会得到案件编号和凭证：请保存凭证，它只显示一次，可用于对办结提出异议。"
        "我们不保存任何关于您的信息。",
    ),
    "your_message": ("Your message", "留言内容"),
    "send_concern": ("Send", "提交"),
    "filed": ("Received", "已收到"),
    "filed_again": (
        "This concern was received a moment ago already: here is its receipt again; no second "
        "case was opened.",
        "这条留言刚才已收到：以下是它的回执，没有重复立案。",
    ),
    "filed_receipt": (
        "Case {case} is with {department}; the department should answer by {deadline}.",
        "案件 {case} 已转给{department}，应在 {deadline} 前答复。",
    ),
    "your_token": ("Your token (shown once)", "您的凭证（只显示一次）"),
    "see_case": ("See the case", "查看案件"),
    "case": ("Case", "案件"),
    "status": ("Status", "状态"),
    "deadline": ("Answer due", "答复期限"),
    "overdue": ("overdue", "已逾期"),
    "concern": ("The concern", "留言"),
    "reply": ("The department's reply", "部门答复"),
    "no_reply": ("No reply yet.", "尚未答复。"),
    "replied_by": ("Reply of {department}", "{department}的答复"),
    "response_days": ("answered in {days} days", "{days} 天内答复"),
    "timeline": ("Timeline", "处理记录"),
    "dispute": ("Closed, not fixed?", "已办结但问题未解决？"),
    "dispute_help": (
        "If you filed this case, your token lets you reopen it. The reopening is counted in the "
        "department's record.",
        "如果这是您提交的案件，可用凭证重新打开。重新打开会计入该部门的记录。",
    ),
    "token": ("Token", "凭证"),
    "why": ("What is still wrong (optional)", "问题仍在哪里（可选）"),
    "reopen": ("Reopen", "重新打开"),
    "disputed_ok": ("The case is open again.", "案件已重新打开。"),
    "track": ("Find my case", "查找我的案件"),
    "track_help": ("Enter the token from your receipt.", "请输入回执上的凭证。"),
    "find": ("Find", "查找"),
    "desk": ("Cases", "案件"),
    "desk_intro": (
        "Your department's queue, newest first. Replies are published as the department's, "
        "never as yours; Heard does not write them.",
        "本部门的待办案件，按时间倒序。答复以部门名义公开发布，不署个人名字；Heard 不代写答复。",
    ),
    "only_overdue": ("Overdue only", "仅看逾期"),
    "filter": ("Show", "筛选"),
    "change_status": ("Change status", "更改状态"),
    "note": ("Note (public)", "备注（公开）"),
    "save": ("Save", "保存"),
    "write_reply": ("Publish a reply", "发布答复"),
    "close_as": ("and set status", "并将状态设为"),
    "keep_status": ("keep the status", "保持状态不变"),
    "publish": ("Publish", "发布"),
    "reassign": ("Move to another department", "转给其他部门"),
    "move": ("Move", "转办"),
    "routed": ("Routed", "分派"),
    "routed_why": ("Why this department", "分派理由"),
    "confidence": ("confidence", "置信度"),
    "no_cases": ("No cases here.", "这里没有案件。"),
    "desk_no_cases_yet": (
        "{code} has no cases yet: new ones appear here when they are routed to it.",
        "{code} 还没有案件：分派给本部门的新案件会出现在这里。",
    ),
    "desk_unknown_department": (
        "This account is tied to {code}, which is not a department here (not in heard.toml, no "
        "cases): no cases can reach it. An admin moves the account: heard users department "
        "{user} CODE (heard departments lists the codes), or adds {code} to [[departments]] in "
        "heard.toml.",
        "此账号绑定的 {code} 不是这里的部门（heard.toml 中没有、也没有案件），不会有案件分派给它。"
        "请管理员调整账号：heard users department {user} CODE（heard departments 列出部门代码），"
        "或在 heard.toml 的 [[departments]] 中加入 {code}。",
    ),
    "desk_retired_department": (
        "{code} is retired (removed from heard.toml, or by an admin): no new cases reach it, and "
        "its open cases went to triage. An admin moves this account to a department in service: "
        "heard users department {user} CODE.",
        "{code} 已停用（从 heard.toml 中移除或由管理员停用）：不再有新案件分派给它，"
        "其未办结案件已转入待分派。"
        "请管理员将此账号调整到在用的部门：heard users department {user} CODE。",
    ),
    "public_page": ("Public page", "公开页面"),
    "departments_admin_intro": (
        "Departments saved here win over heard.toml's and the preset's: routing reads them at the "
        "next run (a trained router keeps its departments until it is trained again), the "
        "public pages, Open311 and notifications at once. A department is never deleted: its "
        "cases keep it; it can be retired (out of service, its record kept). Removing a "
        "department from heard.toml retires it even if it was edited here.",
        "在此保存的部门定义优先于 heard.toml 和预设：下次运行时分派即采用"
        "（已训练的分派模型在重新训练前保持原有部门），公开页面、Open311 与通知立即生效。"
        "部门不会被删除：其案件仍归属于它；可以停用（不再受理，记录保留）。"
        "从 heard.toml 删除的部门即使在此编辑过也会停用。",
    ),
    "dept_saved": ("Saved.", "已保存。"),
    "dept_retire": ("Retire this department", "停用该部门"),
    "dept_retire_hint": (
        "Retiring takes the department out of service: it is no longer offered on the public "
        "form or in Open311, routed to or told of cases; its open cases go to the triage queue. "
        "Its record stays public. Saving its form again brings it back.",
        "停用后，该部门不再出现在留言表单和 Open311 中，不再分派或通知案件；"
        "其未办结案件转入待分派。其记录仍然公开。再次保存其表单即可恢复。",
    ),
    "dept_retired_done": (
        "Retired: {n} open cases moved to the triage queue.",
        "已停用：{n} 件未办结案件已转入待分派。",
    ),
    "dept_restore_hint": (
        "This department is no longer in service. Saving this form brings it back into service.",
        "该部门已停用。保存此表单即可恢复受理。",
    ),
    "dept_admin": ("Manage departments", "部门管理"),
    "dept_code": ("Code", "代码"),
    "dept_contact": ("Contact", "联系方式"),
    "dept_edit": ("Edit", "编辑"),
    "dept_new": ("New department", "新建部门"),
    "dept_name_zh": ("Chinese name", "中文名称"),
    "dept_name_en": ("English name", "英文名称"),
    "dept_description_zh": ("Description (Chinese)", "职责说明（中文）"),
    "dept_description_en": ("Description (English)", "职责说明（英文）"),
    "dept_phone": (
        "Published phone numbers, comma-separated (shown as written in replies)",
        "公开电话，用逗号分隔（答复中照原样显示）",
    ),
    "dept_deadlines": (
        "Deadlines in working days, one 'category = days' per line",
        "答复期限（工作日），每行一个“类别 = 天数”",
    ),
    # a case for an issue (heard.answer.issue_cases)
    "issue_case": ("Case", "案件"),
    "issue_case_none": (
        "No case yet: hand the issue to its department as one case.",
        "尚未立案：可将该问题作为一个案件交给负责部门。",
    ),
    "issue_case_open": ("Open a case for this issue", "为该问题立案"),
    "issue_case_routed": (
        "routed (its messages' department, else the router)",
        "自动分派（按其留言所属部门，否则由分派模型决定）",
    ),
    "issue_case_subject": (
        "This case concerns an issue: {label}, {n} messages.",
        "本案件针对一个问题：{label}，共 {n} 条留言。",
    ),
    "issue_case_gone": ("The issue no longer forms.", "该问题已不再成立。"),
    "issue_case_token": (
        "Public token (shown only now; with it the people who raised the issue can dispute a "
        "closure): {token}",
        "公开凭证（仅此一次显示；提出该问题的群众可凭它对结案提出异议）：{token}",
    ),
}
