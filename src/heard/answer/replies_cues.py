"""The cue patterns of the reply scorer: what an answer of each kind looks like, what a finding
or decision looks like, and the four interpretability elements (reasons, rules, next steps,
contacts). Plain regular expressions, Chinese and English side by side, so each match can be
shown as evidence; only their presence counts, never how often they occur.
"""

from __future__ import annotations

import re

# --- what an answer of each kind looks like ---------------------------------------------------

ANSWER_CUES: dict[str, re.Pattern[str]] = {
    "when": re.compile(
        r"\d{1,4}\s*年|\d{1,2}\s*月|月底|年底|年内|近期|预计|之前|以前|前完成|日前|"
        r"\b(by|on|in|before|within)\b\s+\w+|\b(19|20)\d\d\b|\bweeks?\b|\bdays?\b",
        re.I,
    ),
    "why": re.compile(
        r"因为|由于|原因|鉴于|因此|所以|是为了|导致|属于|根据|依据|按照|\bbecause\b|"
        r"\bdue to\b|\bsince\b|\bas a result\b|\bthe reason\b",
        re.I,
    ),
    "how": re.compile(
        r"流程|程序|办理|携带|提供|申请|前往|到.{0,12}(窗口|大厅|办公室|中心)|步骤|手续|"
        r"\bapply\b|\bsubmit\b|\bbring\b|\bgo to\b|\bsteps?\b|\bform\b",
        re.I,
    ),
    "who": re.compile(
        r"局|办|中心|部门|政府|公司|窗口|社区|街道|派出所|\bdepartment\b|\boffice\b|"
        r"\bcouncil\b|\bteam\b",
        re.I,
    ),
    "how_much": re.compile(r"\d|[一二三四五六七八九十百千万]+(元|个|天|年|人|名|户|次)", re.I),
    "yes_no": re.compile(
        r"可以|不可以|能够|不能|无法|不予|准予|同意|不同意|符合|不符合|具备|不具备|"
        r"属于|不属于|没有|暂无|暂不|不存在|存在|已经|已(于|将|完成|安排)|"
        r"\byes\b|\bno\b|\bnot\b|\bcan\b|\bcannot\b|\bwill\b|\bis\b",
        re.I,
    ),
}
OUTCOME = re.compile(
    r"经(查|核实|调查|了解|核查|现场)|据(了解|查|核实|调查)|调查核实|现场(查看|核查|检查|调查|勘察"
    r"|踏勘)|"
    r"目前|暂未|暂无|尚未|不存在|属实|已(于|经|将|完成|安排|责令|拆除|修复|更换|恢复|停止|"
    r"取缔|整改|约谈|下达|开展|启动|纳入|通知|要求|督促)|现已|责令|决定|查处|处罚|罚款|"
    r"\bwe (found|fixed|replaced|repaired|decided|have)\b|\bhas been (fixed|repaired|"
    r"replaced|removed|resolved)\b",
    re.I,
)

# --- interpretability elements --------------------------------------------------------------

ELEMENTS: dict[str, re.Pattern[str]] = {
    "reason": re.compile(
        r"因为|由于|原因|鉴于|因此|所以|故[^意障事]|是为了|为了|以(提高|便|免|确保)|考虑到|导致|造"
        r"成|"
        r"经[^。，,]{0,12}(查|核实|调查|了解|核查|勘察|查看|检查)|据(查|了解|核实)|发现|属实|不属实"
        r"|"
        r"目前|现状|属于|\bbecause\b|\bdue to\b|\bsince\b|\bwe found\b|\bthe reason\b|"
        r"\bso that\b|\bin order to\b|\bcurrently\b",
        re.I,
    ),
    "rule": re.compile(
        r"《[^》]{2,60}》|条例|(?<!按)规定|办法|细则|实施意见|第[一二三四五六七八九十百\d]+条|〔"
        r"\d{4}〕|"
        r"\[\d{4}\]|【\d{4}】|文件|政策|标准|规范|法律|法规|"
        r"\b(act|regulation|bylaw|by-law|policy|section|rule|standard|law)\b",
        re.I,
    ),
    "next_step": re.compile(
        r"下一步|后续|近期|即将|将(会|于|在|进一步|继续|尽快|加强|组织|督促|对)|预计|计划|拟|"
        r"请(您|你)|建议(您|你|办理|到|向|通过|携带)|可(以)?(向|到|通过|拨打|携带|申请|登录|凭|根据"
        r"|在|前往)|"
        r"届时|待.{1,20}后|\bwe will\b|\bnext\b|\byou (can|may|should)\b|\bplease\b|"
        r"\bby \w+ \d",
        re.I,
    ),
    "contact": re.compile(
        r"(电话|热线|联系|致电|拨打|咨询)[^。]{0,24}\d{5,}|[（(]?0\d{2,3}[）)]?[-—－]\d{3,}|"
        r"\b1[3-9]\d{9}\b|123\d\d|\d{4}-\d{7,8}|0000-|窗口|办公室|地址[：:]|"
        r"\bcall\b|\bphone\b|\bemail\b|@\w+\.\w+|\bcontact\b",
        re.I,
    ),
}
