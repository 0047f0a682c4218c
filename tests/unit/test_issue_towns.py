"""A town is no one place when its messages name the villages in it: 北山镇 on Teddy Cup 附件4 was
one issue of seven messages about six villages' roads, houses and resettlement. Where most of a
town's messages name a village, community or estate in it, the finer place is the issue's place;
a town's own policy (安沙镇's hukou transfers) stays the town's issue."""

from __future__ import annotations

import numpy as np
import pytest

from heard.listen.issues.grouping import Message, find_groups
from heard.listen.issues.villages import sub_place

DIM = 8
ROAD, HUKOU = np.eye(DIM)[5], np.eye(DIM)[6]


def _groups(rows: list[tuple[str, str, np.ndarray | None]]) -> list[tuple[str, int]]:
    rng = np.random.default_rng(3)
    rows = rows + [
        (f"其他问题第{i}条关于某事的咨询{chr(0x4E00 + 37 * i)}", "", None) for i in range(30)
    ]
    messages = [Message(f"p{n:03d}", t, t + body, t + body) for n, (t, body, _) in enumerate(rows)]
    vectors = np.asarray(
        [
            (rng.standard_normal(DIM) if v is None else v) + 0.1 * rng.standard_normal(DIM)
            for _, _, v in rows
        ],
        dtype=np.float32,
    )
    return sorted((g.anchor, len(g.members)) for g in find_groups(messages, vectors))


def test_a_town_whose_messages_name_different_villages_is_no_one_issue():
    rows = [
        ("反映A7县北山镇石常村村级公路硬化问题", "", ROAD),
        ("A7县北山镇狮山村红星组水泥路到户的问题咨询", "", ROAD),
        ("A7县北山镇荣合桥社区村民出行困难，请求解决！", "", ROAD),
        ("请求硬化A7县北山镇新桥社区烟包山组的农村公路", "", ROAD),
        ("A7县北山镇毛新屋组村民希望能实现户户通", "", ROAD),
        ("A7县北山镇的道路什么时候能修好", "", ROAD),  # names no village
    ]
    assert _groups(rows) == []  # five villages' roads, one message each: no issue


def test_the_village_most_messages_name_is_the_issues_place():
    rows = [
        ("反映A7县北山镇石常村村级公路硬化问题", "", ROAD),
        ("A7县北山镇石常村的路何时修", "", ROAD),
        ("A7县北山镇石常村村民出行困难", "", ROAD),
        ("A7县北山镇村级公路烂泥路无人管", "", ROAD),  # joins the village the others name
    ]
    assert _groups(rows) == [("北山镇石常村", 4)]


def test_a_towns_own_policy_stays_the_towns_issue():
    rows = [(f"咨询关于A7县安沙镇户口迁移政策{i}", "", HUKOU) for i in range(3)]
    rows += [("A7县安沙镇水塘垸村村民咨询结婚迁户口", "", HUKOU)]
    assert _groups(rows) == [("安沙镇", 4)]


@pytest.mark.parametrize(
    ("title", "town", "place"),
    [
        ("A7县北山镇明月山村村民请求改善住房条件", "北山镇", "明月山村"),
        ("请求硬化A7县北山镇新桥社区烟包山组的农村公路", "北山镇", "新桥社区"),
        ("A7县北山镇毛新屋组村民希望能实现户户通", "北山镇", "毛新屋组"),
        ("反映A7县星沙镇泉塘街道板桥小区夜宵一条街噪音扰民", "星沙镇", "板桥小区"),
        ("关于A7县北山镇生态移民政策的咨询", "北山镇", ""),
        ("A7县北山镇妇联组织的育婴员培训班何时开班", "北山镇", ""),  # 组织 is a word
        ("希望A7县江背镇政府将楼梯坡组涵洞恢复原状", "江背镇", ""),  # a sentence, no name
        ("请求硬化北山镇新农村的道路", "北山镇", ""),
        ("北山镇各个村的路都没修", "北山镇", ""),
    ],
)
def test_the_place_named_right_after_the_town(title, town, place):
    assert sub_place(Message("p", title, ""), town, 200) == place


def test_a_message_naming_only_the_village_joins_its_towns_village_issue():
    """A message that names 石常村 without 北山镇 joined no issue: the anchor is the town, and
    its title does not hold it. The board's other messages say which town 石常村 lies in."""
    rows = [
        ("反映A7县北山镇石常村村级公路硬化问题", "", ROAD),
        ("A7县北山镇石常村的路何时修", "", ROAD),
        ("A7县北山镇石常村村民出行困难", "", ROAD),
        ("A7县北山镇的村级公路烂泥路无人管", "", ROAD),
        ("A7县石常村的路烂了没人修", "", ROAD),  # the village alone
    ]
    assert _groups(rows) == [("北山镇石常村", 5)]
    other = rows[:4] + [("A7县下石常村的路也烂了", "", ROAD)]  # 下石常村 is another village
    assert _groups(other) == [("北山镇石常村", 4)]


def test_a_village_the_anchor_names_with_its_town_takes_a_message_naming_it_alone():
    rows = [(f"A3区西湖街道茶场村五组何时启动拆迁{i}", "", ROAD) for i in range(4)]
    rows += [("A3区茶场村五组什么时候拆迁", "", ROAD)]
    assert _groups(rows) == [("西湖街道茶场村", 5)]


def test_a_village_named_under_two_towns_is_joined_to_neither():
    rows = [("A7县北山镇石常村的路何时修", "", ROAD)] * 2
    rows += [("A7县北山镇的村级公路烂泥路无人管", "", ROAD)]
    rows += [("A7县黄兴镇石常村的路何时修", "", ROAD)] * 2
    rows += [("A7县黄兴镇的村级公路烂泥路无人管", "", ROAD)]
    rows += [("A7县石常村的路烂了", "", ROAD)]
    assert _groups(rows) == [("北山镇石常村", 3), ("黄兴镇石常村", 3)]
