"""Personal names in a doxxing context: "他叫王建军，住翠湖苑5栋1203，大家去他家门口…".

A name alone is not personal data here: criticism names officials, journalism names people, and
a private person's name in a complaint exposes no one (RIGHTS.md §1). It becomes part of the
exposure when the same text is a doxxing post — the ``doxxing`` detector's test: personal data
or locating details together with a call to go after the person or an exposure, and no public
body. Then the name the text introduces (他叫…, 真名…, 姓名：…, "his real name is …",
"named …") is a span of kind ``name`` for every display, export and the search index
(``heard.read.redact`` passes ``doxxing_names`` to ``heard.protect.pii.find_pii``), as the phone
and the address beside it are.

Only introduced names are found (no name list, no guessing at every two-character word), and a
Chinese name must begin with a common surname.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚"
    "符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆"
    "农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋"
    "商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_ZH = re.compile(
    r"(?:叫做|名叫|真名(?:叫|是)?|本名(?:叫|是)?|名字(?:叫|是)|姓名[:：]?|(?:他|她|此人|这人)叫)"
    rf"\s*([{_SURNAMES}][\u4e00-\u9fff]{{1,2}})"
)
_EN = re.compile(
    r"\b(?i:(?:his|her|their) (?:real |full )?name is|(?:he|she) is called|named)\s+"
    r"([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
)
_HINT = re.compile(r"叫|真名|本名|名字|姓名|name|called", re.IGNORECASE)


@lru_cache(maxsize=1)
def _detector() -> Any:
    from heard.protect.detectors.doxxing import DoxxingDetector

    return DoxxingDetector()  # its spans come from find_pii without names


def doxxing_names(text: str) -> Iterator[tuple[str, int, int, bool, str]]:
    """``(kind, start, end, validated, why)`` of each name ``text`` introduces, when ``text`` is a
    doxxing post; nothing otherwise."""
    if not _HINT.search(text):
        return
    found = [(m.start(1), m.end(1)) for rx in (_ZH, _EN) for m in rx.finditer(text)]
    if not found or _detector().flag(text) is None:
        return
    for start, end in found:
        yield "name", start, end, False, "a person's name introduced in a doxxing post"
