"""Assemble the Lanhe demo corpus from the hand-written texts in ``data/demo/texts/``.

The texts are written by the Heard project (see README.md beside this file); this script only
gives each one a source, an author handle, a time stamp and engagement counts, deterministically
(fixed seed), and writes:

- ``posts.jsonl``  the corpus, one post per line, ordered by time, ids ``d0001`` ...
- ``themes.csv``   the answer key: which hand-written file (theme) each post came from, for
                   evaluating topic and hot-spot detection. It is not part of the corpus.

Run from the repository root::

    .venv/bin/python data/demo/build_corpus.py          # rewrite posts.jsonl and themes.csv
    .venv/bin/python data/demo/build_corpus.py --check  # fail if the committed files are stale

Text file format (UTF-8)::

    %% theme: bus12                      directives, before the first post
    %% days: 10-26..11-08                 the window the posts are spread over, in file order
    %% place_zh: 北岭区 12路              place given to some posts (optional)
    %% place_en: Beiling District, route 12
    === board | title: 12路又晚了 | author: 晚归的猫 | at: 11-02 08:10 | place: ...
    the post text (several lines are kept as several lines)
    === micro
    another post

``board`` posts come from the "cityboard" message board and need a title; ``micro`` posts come
from the English/Chinese "microblog". ``at: MM-DD HH:MM`` pins a time, ``day: MM-DD`` pins a day.
Posts without a pin are spread over the window in file order, so a file reads as a timeline.
``%% mode: incident`` spreads posts over the surge described by ``%% start:`` and ``%% hours:``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "texts"
POSTS = HERE / "posts.jsonl"
THEMES = HERE / "themes.csv"

SEED = 20261105
YEAR = 2026
TZ = timezone(timedelta(hours=8))
WINDOW_START = datetime(2026, 10, 26, tzinfo=TZ)
WINDOW_END = datetime(2026, 11, 8, 23, 59, 59, tzinfo=TZ)

# Relative posting activity by hour of day: quiet at night, a lunch bump, busiest in the evening.
HOUR_WEIGHTS = [2.0, 1.2, 0.6, 0.4, 0.3, 0.4, 1.0, 2.5, 4.0, 4.0, 3.5, 3.5,
                4.5, 4.0, 3.5, 3.5, 3.5, 4.0, 5.0, 6.0, 7.0, 7.0, 5.5, 3.5]

ZH_HANDLES = """
青石老街坊 翠湖业主小王 失眠的翠湖人 夜猫子阿杰 澜河小雨 东湖边的鱼 北岭大叔 新港打工人 桂香街住户
晚归的猫 12路常客 公交上的沙丁鱼 澜河职院学生家长 不想进厂 职院小透明 金桂苑业主群 金桂苑老陈
物业费交不起 海韵居民 新港垃圾观察员 松柏路夜跑 骑车的老周 澜河摄影师 长乐路居民 滨江小李
滨江宝妈 停水第N小时 澜河吃货 奶茶续命 周末去哪儿 澜河房东 退休教师老刘 社区志愿者阿芳 澜河记者站
城市观察者 咖啡不加糖 加班到深夜 菜市场大妈 东湖跑团 阿珍在澜河 澜河小吃地图 青石区小张 北岭二中家长
快递小哥老马 夜班护士 澜河图书馆常客 爱骑行的Leo 地铁等等党 一只猫的日常 早起的鸟儿 滨江钓鱼佬
老澜河 外卖骑手小赵 孩子他爸 在澜河读书 大学城小卖部 二手书店老板 青年租客 晚高峰受害者 澜河天气君
江边散步的老徐 北岭种菜人 小区跳舞的刘阿姨 半糖主义 东湖遛狗人 澜河考研人 修车铺老板 夜市摊主阿强
喜欢下雨天 滨江打工仔 青石小学家长 爱看书的猫 今天也要加油 澜河民谣 星期五的晚上 不吃香菜
社区网格员小何 爱吐槽的小林 退伍老兵 小区门卫老黄 澜河土著 学生党 健身狂人 拍照的小鹿 澜河打工妹
热心市民张先生 吃瓜群众 新手爸爸 茶馆老板娘 路过的 程序员阿伟 开网约车的 练书法的老赵
""".split()

EN_HANDLES = """
lanhe_expat_mike sarah_in_lanhe tom.teaches.english nightowl_nina bus12survivor jess_abroad
cuihu_resident_dan ellie_eats_lanhe LanheCyclist raj_at_LU mo_from_cairo anna.k.writes
bikes_and_bao DanielW kat_on_the_move greg_binjiang priya_codes emma_the_nurse LanheLocalNews
joel.photo sam_in_beiling hannah_studies_mandarin old_lanhe_hand yusuf_travels marta_lanhe
ben.runs.lanhe laura_teacher_LU chris_from_leeds nadia.r rob_the_builder maria_in_asia
kevinlanhe jake_at_the_port lucy_dumplings alex_transit_nerd olivia_lanhe pete_binjiang
zoe.sketches LanheStudentUnion ivan_k thandi_in_china liam_commutes sofia_reads noah_newport
aisha_lanhe will_on_wheels mei_lin_en tara_lanhe_mum frank_retired harry_lu_phd grace.cooks
felix_in_donghu jun_and_jen carlos.lanhe becky_tefl omar_cycles lena_learns_zh dave_night_shift
nina_kenya_lanhe tim_the_chef yuki_in_lanhe
""".split()


@dataclass
class Draft:
    theme: str
    source: str
    text: str
    title: str | None = None
    author: str | None = None
    at: str | None = None
    day: str | None = None
    place: str | None = None
    order: int = 0
    file_index: int = 0
    created_at: datetime | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ThemeFile:
    name: str
    directives: dict[str, str]
    drafts: list[Draft]


class CorpusError(Exception):
    """A text file breaks the format; the message names the file and line."""


def parse_text_file(path: Path) -> ThemeFile:
    directives: dict[str, str] = {}
    drafts: list[Draft] = []
    current: Draft | None = None
    body: list[str] = []

    def close() -> None:
        if current is None:
            return
        text = "\n".join(body).strip()
        if not text:
            raise CorpusError(f"{path.name}: a post has no text (before line {lineno})")
        current.text = text
        drafts.append(current)

    lineno = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("%%") and current is None:
            key, _, value = line[2:].partition(":")
            directives[key.strip()] = value.strip()
            continue
        if line.startswith("==="):
            close()
            body = []
            parts = [p.strip() for p in line[3:].split(" | ")]
            kind = parts[0]
            if kind not in ("board", "micro"):
                raise CorpusError(f"{path.name}:{lineno}: source must be board or micro, got {kind!r}")
            current = Draft(theme=directives.get("theme", path.stem),
                            source="cityboard" if kind == "board" else "microblog", text="")
            for part in parts[1:]:
                key, sep, value = part.partition(":")
                if not sep or key.strip() not in ("title", "author", "at", "day", "place"):
                    raise CorpusError(f"{path.name}:{lineno}: cannot read {part!r}")
                setattr(current, key.strip(), value.strip())
            if current.source == "cityboard" and not current.title:
                raise CorpusError(f"{path.name}:{lineno}: a board post needs a title")
            if current.source == "microblog" and current.title:
                raise CorpusError(f"{path.name}:{lineno}: microblog posts have no title")
            continue
        if current is not None:
            body.append(line)
    close()
    return ThemeFile(path.stem, directives, drafts)


def parse_day(text: str) -> datetime:
    month, day = (int(x) for x in text.split("-"))
    return datetime(YEAR, month, day, tzinfo=TZ)


def parse_at(text: str) -> datetime:
    day, clock = text.split()
    hour, minute = (int(x) for x in clock.split(":"))
    return parse_day(day).replace(hour=hour, minute=minute)


def random_clock(rng: random.Random, day: datetime) -> datetime:
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def assign_times(theme: ThemeFile, rng: random.Random) -> None:
    free = [d for d in theme.drafts if not d.at and not d.day]
    for d in theme.drafts:
        if d.at:
            d.created_at = parse_at(d.at).replace(second=rng.randrange(60))
        elif d.day:
            d.created_at = random_clock(rng, parse_day(d.day))
    if theme.directives.get("mode") == "incident":
        start = parse_at(theme.directives["start"])
        span = float(theme.directives.get("hours", "6")) * 60
        # a fast rise then a long tail: gamma-shaped minutes after the start, clipped to the span
        minutes = []
        while len(minutes) < len(free):
            m = rng.gammavariate(2.2, span / 5.0)
            if 2 <= m < span:
                minutes.append(m)
        for d, m in zip(free, sorted(minutes)):
            d.created_at = start + timedelta(minutes=m, seconds=rng.randrange(60))
        return
    first, last = (parse_day(x) for x in theme.directives.get("days", "10-26..11-08").split(".."))
    n_days = (last - first).days + 1
    days = sorted(rng.randrange(n_days) for _ in free)
    stamps = [random_clock(rng, first + timedelta(days=k)) for k in days]
    # keep file order as time order within the theme, so a file reads as a timeline
    stamps.sort()
    for d, t in zip(free, stamps):
        d.created_at = t


def zipf_weights(n: int, offset: int = 10) -> list[float]:
    """A long tail of occasional posters and a few regulars (the busiest gets ~4% of a pool's posts)."""
    return [1.0 / (k + offset) for k in range(n)]


def cjk_share(text: str) -> float:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return cjk / max(1, cjk + latin / 4)  # a Chinese character carries about as much as 4 letters


def pick_author(d: Draft, rng: random.Random, zh_pool: list[str], en_pool: list[str]) -> str:
    if d.author:
        return d.author
    zh = cjk_share((d.title or "") + d.text) >= 0.5
    pool = zh_pool if zh else en_pool
    return rng.choices(pool, weights=zipf_weights(len(pool)))[0]


def engagement(d: Draft, theme: ThemeFile, rng: random.Random) -> dict[str, int]:
    heat = float(theme.directives.get("heat", "1"))
    if theme.directives.get("mode") == "incident" and d.created_at is not None:
        start = parse_at(theme.directives["start"])
        hours_in = (d.created_at - start).total_seconds() / 3600
        heat *= 1.6 if 0.5 <= hours_in <= 3.5 else 1.0
    likes = int(rng.lognormvariate(1.6 + math.log(heat), 1.1))
    if d.source == "microblog":
        shares = int(likes * rng.uniform(0.05, 0.45) * heat ** 0.5)
        replies = int(likes * rng.uniform(0.05, 0.3))
    else:
        shares = int(likes * rng.uniform(0.0, 0.08))
        replies = int(rng.lognormvariate(1.2 + 0.6 * math.log(heat), 0.9))
    dislikes = int(likes * rng.uniform(0.0, 0.12)) if rng.random() < 0.6 else 0
    return {"likes": likes, "shares": shares, "replies": replies, "dislikes": dislikes}


def build() -> tuple[str, str]:
    rng = random.Random(SEED)
    themes = [parse_text_file(p) for p in sorted(TEXTS.glob("*.txt"))]
    # handles written into the texts are characters with their own story; keep them out of the
    # random pool so a resident of one estate does not turn up complaining about everything
    characters = {d.author for t in themes for d in t.drafts if d.author}
    zh_pool = [h for h in ZH_HANDLES if h not in characters]
    en_pool = [h for h in EN_HANDLES if h not in characters]
    rng.shuffle(zh_pool)
    rng.shuffle(en_pool)
    drafts: list[tuple[ThemeFile, Draft]] = []
    for theme in themes:
        assign_times(theme, rng)
        for i, d in enumerate(theme.drafts):
            d.file_index = i
            drafts.append((theme, d))
    for theme, d in drafts:
        assert d.created_at is not None
        if not (WINDOW_START <= d.created_at <= WINDOW_END):
            raise CorpusError(f"{theme.name}: post {d.file_index + 1} falls outside the window")
    drafts.sort(key=lambda td: (td[1].created_at, td[0].name, td[1].file_index))

    lines, key = [], io.StringIO()
    writer = csv.writer(key, lineterminator="\n")
    writer.writerow(["id", "theme", "file", "post_in_file"])
    board_no, micro_no = 48100, 5_210_000_000
    for n, (theme, d) in enumerate(drafts, start=1):
        post_id = f"d{n:04d}"
        author = pick_author(d, rng, zh_pool, en_pool)
        record: dict = {"id": post_id, "source": d.source, "author": author}
        if d.title:
            record["title"] = d.title
        record["text"] = d.text
        record["created_at"] = d.created_at.isoformat()
        record.update(engagement(d, theme, rng))
        place = d.place
        if place is None and rng.random() < 0.45:
            zh = cjk_share(d.text) >= 0.5
            place = theme.directives.get("place_zh" if zh else "place_en")
        if place and place != "-":
            record["place"] = place
        if d.source == "cityboard":
            board_no += rng.randrange(3, 40)
            record["url"] = f"https://bbs.lanhe.example/thread/{board_no}"
        elif rng.random() < 0.4:
            micro_no += rng.randrange(10_000, 9_000_000)
            record["url"] = f"https://mb.example/{author}/status/{micro_no}"
        lines.append(json.dumps(record, ensure_ascii=False))
        writer.writerow([post_id, d.theme, f"texts/{theme.name}.txt", d.file_index + 1])
    return "\n".join(lines) + "\n", key.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if posts.jsonl/themes.csv are stale")
    args = parser.parse_args(argv)
    try:
        posts, themes = build()
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [p.name for p, new in ((POSTS, posts), (THEMES, themes))
                 if not p.exists() or p.read_text(encoding="utf-8") != new]
        if stale:
            print(f"stale: {', '.join(stale)}; run: python data/demo/build_corpus.py", file=sys.stderr)
            return 1
        print("posts.jsonl and themes.csv are up to date")
        return 0
    POSTS.write_text(posts, encoding="utf-8")
    THEMES.write_text(themes, encoding="utf-8")
    print(f"wrote {posts.count(chr(10))} posts to {POSTS.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
