"""Dashboard strings of the protect side: the review queue, decisions, appeals, calibration, the
public transparency page, an author's statements of reasons, and reporting a post
(key: (english, chinese))."""

STRINGS: dict[str, tuple[str, str]] = {
    "moderate": ("Review", "审核"),
    "moderate_intro": (
        "Posts whose flags wait for a person, one row per post with all its flags, trusted "
        "flaggers' first. Decide once, on the post, never on its author; criticism of "
        "officials, satire, protest, journalism and religious or minority speech are never "
        "harm (RIGHTS.md).",
        "有标记等待人工审核的帖子，每条帖子一行（含其全部标记），受信任举报者的优先。"
        "一次决定，只针对帖子，不针对作者；"
        "批评官员、讽刺、抗议、新闻报道、宗教或少数群体言论从来不是有害内容（RIGHTS.md）。",
    ),
    "queue_empty": ("Nothing waits for review.", "没有待审核的内容。"),
    "flag": ("Flag", "标记"),
    "dsa_keywords": (
        "DSA keywords that apply to this post (none ticked: the label's only keyword, or none)",
        "适用于此帖的 DSA 关键词（不勾选：该标签唯一的关键词，或不填）",
    ),
    "flags_on_post": ("flags on this post, decided at once", "条标记，一次决定"),
    "in_force": ("Decision in force on this post", "此帖现行决定"),
    "in_force_automated": ("automated", "自动决定"),
    "in_force_moderator": ("by a moderator", "由审核员决定"),
    "in_force_replaced": (
        "A decision here replaces it (a new statement of reasons for the author).",
        "在此作出的决定将取代它（作者会收到新的理由说明）。",
    ),
    "flag_source": ("From", "来源"),
    "score": ("Score", "分数"),
    "threshold": ("threshold", "阈值"),
    "detector": ("Detector", "检测器"),
    "definition": ("Definition", "定义"),
    "misuse_note": ("How this label could be misused", "此标签可能被如何滥用"),
    "decision": ("Decision", "决定"),
    "facts": ("Statement of the facts (shown to the author)", "事实陈述（作者可见）"),
    "ground": ("Ground", "依据"),
    "legal_ground": (
        "Legal ground (law, article; for illegal)",
        "法律依据（法律及条款；违法时必填）",
    ),
    "decide": ("Decide", "提交决定"),
    "show_original": ("Show original", "显示原文"),
    "original_reason": (
        "Why the redacted text is not enough (written to the audit log)",
        "为何需要查看未遮蔽的原文（将写入审计日志）",
    ),
    "original_shown": (
        "Original text, personal data included: shown to you for this decision only; this "
        "view is in the audit log",
        "原文（含个人信息）：仅为本次决定向您显示；此次查看已写入审计日志",
    ),
    "audit_entry": ("audit entry", "审计记录"),
    "decided": ("Decided", "已决定"),
    "author_token": (
        "Notice token for the author (shown once: hand it to the author with the decision)",
        "给作者的通知凭证（只显示一次：随决定一并告知作者）",
    ),
    "appeals": ("Appeals", "申诉"),
    "appeals_empty": ("No appeal waits.", "没有待处理的申诉。"),
    "appeal_text": ("The author's appeal", "作者的申诉"),
    "outcome": ("Outcome", "结果"),
    "upheld": ("upheld", "维持原决定"),
    "reversed": ("reversed", "撤销原决定"),
    "decide_appeal": ("Decide the appeal", "处理申诉"),
    "calibration": ("Calibration", "审核校准"),
    "calibration_intro": (
        "Each moderator's agreement with the known answers of calibration items (Cohen's κ).",
        "各审核员与校准题标准答案的一致性（Cohen κ）。",
    ),
    "moderator": ("Moderator", "审核员"),
    "gold_answered": ("Answered", "已作答"),
    "kappa": ("κ", "κ"),
    "original_views": ("Originals shown", "查看原文记录"),
    "original_views_intro": (
        'Each use of "show original" (the audited exception to redaction), newest first: who, '
        "when, which post and why, as the audit log recorded it. The originals are not shown here.",
        "每次“查看原文”（脱敏的审计例外）的记录，最新在前：谁、何时、哪条内容、理由，"
        "以审计日志所记为准。此处不显示原文。",
    ),
    "ov_time": ("Time (UTC)", "时间（UTC）"),
    "ov_account": ("Account", "账号"),
    "ov_post": ("Post or item", "内容或校准题"),
    "ov_reason": ("Reason (redacted)", "理由（已脱敏）"),
    "ov_item": ("calibration item", "校准题"),
    "no_original_views": ("No original has been shown.", "尚无查看原文的记录。"),
    "transparency": ("Transparency", "透明度报告"),
    "transparency_intro": (
        "What was flagged and decided on this platform, counted by label, decision and "
        "automation, with appeals and the time to a decision. Counts only, never by author.",
        "本平台被标记和处理的内容，按标签、决定类型和自动化程度计数，另列申诉结果与处理用时。"
        "只有计数，从不按作者统计。",
    ),
    "flags_total": ("Flags", "标记总数"),
    "by_label": ("By label", "按标签"),
    "by_source": ("By source", "按来源"),
    "by_status": (
        "Flags by status (withdrawn: a rescan after a detector fix)",
        "按状态（撤回：检测器修正后重新扫描）",
    ),
    "decisions_total": ("Decisions", "决定总数"),
    "by_decision": ("By decision", "按决定"),
    "automated": ("Automated decisions", "自动决定"),
    "median_hours": ("Median hours from flag to decision", "从标记到决定的中位小时数"),
    "statement": ("Statement of reasons", "理由说明"),
    "statement_intro": (
        "If a decision was taken on your post, the notice you received has a token: enter it "
        "to read the statement of reasons and, once per decision, to appeal.",
        "如果您的帖子被作出处理决定，您收到的通知中有一个凭证：输入它即可查看理由说明，"
        "并可对每个决定申诉一次。",
    ),
    "statement_for": ("Decisions on your post", "关于您帖子的决定"),
    "appeal": ("Appeal", "申诉"),
    "appeal_why": ("Why the decision is wrong", "决定为何有误"),
    "appeal_sent": (
        "Your appeal is filed; another moderator decides it.",
        "申诉已提交，将由另一位审核员处理。",
    ),
    "appeal_state": ("Appeal", "申诉状态"),
    "report_post": ("Report this post", "举报此帖"),
    "report_intro": (
        "Tell the moderators why this post breaks the rules. Disagreement, criticism of "
        "officials or satire is not a reason. No account is needed.",
        "告诉审核员此帖为何违反规则。意见不同、批评官员或讽刺不构成举报理由。无需账号。",
    ),
    "report_label": ("What it is", "问题类型"),
    "report_send": ("Send the report", "提交举报"),
    # the harm label of a flag or decision (t('label') is a listen-side topic: "Topic", "话题")
    "harm_label": ("Harm label", "违规类型"),
    "report_note": ("What you saw (optional)", "您看到的情况（可选）"),
    "report_sent": ("Thank you: the report is in the review queue.", "谢谢，举报已进入审核队列。"),
    "decision_superseded": (
        "A later decision replaced this one: it is no longer in force, and there is nothing to "
        "appeal here.",
        "此决定已被之后的决定取代，不再生效，无需申诉。",
    ),
    # the public figures' keys in words (transparency, statements of reasons)
    "source_detector": ("automated detector", "自动检测"),
    "source_public_report": ("public report", "公众举报"),
    "source_trusted_flagger": ("trusted flagger", "受信任举报者"),
    "decision_no_action": ("no action", "不处理"),
    "decision_label": ("label added", "加注标签"),
    "decision_limit_visibility": ("visibility limited", "限制可见"),
    "decision_remove": ("removed", "移除"),
    "ground_incompatible": ("incompatible with the terms", "违反平台规则"),
    "ground_illegal": ("illegal content", "违法内容"),
    # an author's statement of reasons: the DSA fields by name, their codes in words
    "dsa_decision_visibility": ("What was done to the post", "对帖子的处理"),
    "dsa_category": ("Category", "类别"),
    "dsa_decision_ground": ("Ground", "依据"),
    "dsa_automated_detection": ("Found by an automated detector", "是否由自动检测发现"),
    "dsa_automated_decision": ("Decided automatically", "是否自动决定"),
    "dsa_decision_facts": ("Statement of the facts", "事实陈述"),
    "dsa_illegal_content_legal_ground": ("Legal ground", "法律依据"),
    "dsa_DECISION_VISIBILITY_CONTENT_REMOVED": ("removed", "已移除"),
    "dsa_DECISION_VISIBILITY_CONTENT_DEMOTED": ("visibility limited", "限制可见"),
    "dsa_DECISION_VISIBILITY_CONTENT_LABELLED": ("labelled", "已加注标签"),
    "dsa_DECISION_GROUND_INCOMPATIBLE_CONTENT": ("incompatible with the terms", "违反平台规则"),
    "dsa_DECISION_GROUND_ILLEGAL_CONTENT": ("illegal content", "违法内容"),
    "dsa_Yes": ("yes", "是"),
    "dsa_No": ("no", "否"),
    "dsa_AUTOMATED_DECISION_FULLY": ("fully automated", "完全自动作出"),
    "dsa_AUTOMATED_DECISION_PARTIALLY": ("partly automated", "部分自动作出"),
    "dsa_AUTOMATED_DECISION_NOT_AUTOMATED": ("by a person", "人工作出"),
    "automation_automated": ("automated", "自动作出"),
    "automation_human": ("by a person", "人工作出"),
    "outcome_upheld": ("upheld", "维持原决定"),
    "outcome_reversed": ("reversed", "撤销原决定"),
    "flag_pending": ("waiting", "待审核"),
    "flag_decided": ("decided", "已决定"),
    "flag_dismissed": ("dismissed (no action)", "已驳回（不处理）"),
    "flag_withdrawn": ("withdrawn by a rescan", "重新扫描后撤回"),
    "report_repeat": (
        "You reported this post for this already; that report is waiting for review. Nothing "
        "new was filed.",
        "您已就此举报过这条帖子，该举报正在等待审核，本次未重复提交。",
    ),
    "removed_notice": (
        "Removed after review — statement of reasons {id}",
        "经审核已移除——理由说明 {id}",
    ),
    "limited_notice": ("Visibility limited after review ({id})", "经审核限制可见（{id}）"),
    "labelled_notice": ("Labelled after review: {label}", "经审核加注标签：{label}"),
}
