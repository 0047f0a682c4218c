"""PII benchmark: planted personal data in real posts — recall, false findings, and leaks.

A generated set (written here, seeded): PRC resident IDs with a valid checksum (18-digit) and
legacy 15-digit IDs with a valid birth date, Luhn-valid card numbers (UnionPay, Visa, Mastercard,
Amex; plain, spaced, dashed), mainland mobiles and landlines and North American numbers in the
formats people write (+86, dashes, dots, spaces, brackets, full-width digits), e-mail addresses
(plain, full-width ＠, (at)/(dot), internationalised) and home addresses (zh: door numbers on a
road, 弄, 栋/单元/室 with and without a road, Chinese numerals; en: house numbers on a street in
any case, flats). Each is planted once into a real post — 附件3 messages (Teddy Cup 2020 C,
Chinese) and TweetEval sentiment tweets (English), evaluation-only data — at a place a writer
would put it (not glued to a digit or a Latin letter).

Reported:
- recall: a planted value counts as found when ``find_pii`` returns spans covering every
  character of its secret part (for ``长乐路128号`` that is ``128号``: the road stays by design);
  also by kind and by format;
- findings on the unmodified posts (per 1,000 posts, by kind, with samples to read: real posts
  hold real addresses and numbers, so these are not all false) and on hand-written negatives
  (dates, prices, counts, times, case numbers, bus lines: every finding there is false);
- leaks: planted secrets still readable in ``redact`` output (display and export), found by a
  search for them, or present in any API response — through a real store served in-process.

    PYTHONPATH=src .venv/bin/python bench/pii_eval.py [--posts 1000] [--seed 0]

Prints JSON and writes bench/results/pii_eval.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from heard.protect.pii import _ID_CHECK, _ID_WEIGHTS, find_pii, luhn_ok
from heard.read.redact import redact

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = ROOT.parent / "shared" / "data"

NEGATIVES = [
    "2019年7月的案件",
    "2019-07-01 上午10:30",
    "票价300元，共1500人",
    "No. 3 bus is late again",
    "12路公交和地铁3号线",
    "今天11月3号了",
    "案号(2019)湘0104民初1234号",
    "3栋、5栋电梯频繁故障",
    "金桂苑3栋",
    "一座650吨汽柴油储罐",
    "2019 2020 2021 2022",
    "12 buses on Changle Road",
    "3 days in the street",
    "the price rose 15% to $1,299.99",
    "10086 and 12345",
    "订单号20190701123456",
    "下午3点到5点停水",
    "第3单元",
    "Route 12",
    "Unit 3 of the course",
    "共有1200户居民",
    "投资2.3亿元",
    "12345热线回复说三天内处理",
    "温度38.5度",
    "2020/1/26 11:20:21",
    "1.5万人次",
    "比分3:2",
    "我们等了3个小时",
    "5 stars out of 5",
    "Call of Duty 2",
    "Chapter 11 bankruptcy",
    "COVID-19 cases",
    "1-2-3 go",
    "page 404 not found",
    "I was born in 1990",
    "top 10 songs of 2019",
    "iPhone 11 Pro",
    "it costs 5,000 dollars",
    "from 9 to 5",
    "42 is the answer",
    "A3区12路",
    "沿江大道",
    "第128期",
]

AREAS = ["110105", "310104", "440305", "430102", "510107", "320102", "420106", "370202", "610113"]
ROADS = ["长乐路", "人民中路", "芙蓉北路", "桂香街", "东湖路", "星沙大道", "枫林三路", "樊西巷"]
ESTATES = ["幸福小区", "金桂苑", "翠湖花园", "学院新村", "中茂城", "锦绣家园"]
STREETS = [
    "high street",
    "Baker Street",
    "Elm Road",
    "maple ave",
    "Park Lane",
    "oak drive",
    "Main St",
    "Sunset Boulevard",
]
CN_NUM = "零一二三四五六七八九"
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
ZH_NUMERALS = str.maketrans("0123456789", "〇幺二三四五六七八九")


def cn_number(n: int) -> str:
    """128 → 一百二十八 (up to 999)."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    out = (CN_NUM[h] + "百") if h else ""
    if t:
        out += ("" if (t == 1 and not h) else CN_NUM[t]) + "十"
    elif h and u:
        out += "零"
    if u:
        out += CN_NUM[u]
    return out or "零"


def id18(rng: random.Random) -> str:
    body = (
        rng.choice(AREAS)
        + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randint(0, 999):03d}"
    )
    return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]


def card(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError


def grouped(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"


def us(rng: random.Random) -> tuple[str, str, str]:
    return str(rng.randint(201, 989)), str(rng.randint(200, 999)), f"{rng.randint(0, 9999):04d}"


def generate(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """(kind, format, lang, planted text, secret that must vanish) — one of each format, in turn."""

    def one(fmt: str):  # noqa: C901 - one branch per written form
        m = mobile(rng)
        a, b, c = us(rng)
        road, estate, street = rng.choice(ROADS), rng.choice(ESTATES), rng.choice(STREETS)
        door = rng.randint(1, 999)
        user = rng.choice(["wang.wu", "li_lei88", "zhangsan", "m.chen", "anna.k"])
        dom = rng.choice(["example.com", "mail.cn", "qq.com", "163.com", "gmail.com"])
        table = {
            "id18": ("id_number", "zh", lambda: (v := id18(rng), v)),
            "id18_lower_x": ("id_number", "zh", lambda: (v := id18(rng).lower(), v)),
            "id18_spaced": (
                "id_number",
                "zh",
                lambda: (v := (i := id18(rng))[:6] + " " + i[6:14] + " " + i[14:], v),
            ),
            "id15": (
                "id_number",
                "zh",
                lambda: (
                    v := rng.choice(AREAS) + f"{rng.randint(30, 99)}{rng.randint(1, 12):02d}"
                    f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}",
                    v,
                ),
            ),
            "card_unionpay19": ("bank_card", "zh", lambda: (v := card(rng, "62", 19), v)),
            "card_visa_spaced": (
                "bank_card",
                "en",
                lambda: (v := grouped(card(rng, "4", 16), " "), v),
            ),
            "card_mc_dashed": (
                "bank_card",
                "en",
                lambda: (v := grouped(card(rng, f"5{rng.randint(1, 5)}", 16), "-"), v),
            ),
            "card_amex": ("bank_card", "en", lambda: (v := card(rng, "37", 15), v)),
            "cn_mobile": ("phone", "zh", lambda: (m, m)),
            "cn_mobile_plus86": ("phone", "zh", lambda: (v := "+86 " + m, v)),
            "cn_mobile_dashed": ("phone", "zh", lambda: (v := f"{m[:3]}-{m[3:7]}-{m[7:]}", v)),
            "cn_mobile_spaced": ("phone", "zh", lambda: (v := f"{m[:3]} {m[3:7]} {m[7:]}", v)),
            "cn_mobile_dotted": ("phone", "zh", lambda: (v := f"{m[:3]}.{m[3:7]}.{m[7:]}", v)),
            "cn_mobile_fullwidth": ("phone", "zh", lambda: (v := m.translate(FULL), v)),
            "cn_mobile_enum_comma": (
                "phone",
                "zh",
                lambda: (v := f"{m[:3]}、{m[3:7]}、{m[7:]}", v),
            ),
            "cn_mobile_fullwidth_commas": (
                "phone",
                "zh",
                lambda: (v := f"{m[:3]}，{m[3:7]}，{m[7:]}".translate(FULL), v),
            ),
            "cn_mobile_bracketed": (
                "phone",
                "zh",
                lambda: (v := f"【{m[:3]}】【{m[3:7]}】【{m[7:]}】", v[1:-1]),
            ),
            "cn_mobile_zh_numerals_split": (
                "phone",
                "zh",
                lambda: (v := f"{m[:3]}、{m[3:7]}、{m[7:]}".translate(ZH_NUMERALS), v),
            ),
            "id18_enum_comma": (
                "id_number",
                "zh",
                lambda: (v := (i := id18(rng))[:6] + "、" + i[6:14] + "、" + i[14:], v),
            ),
            "card_unionpay_enum_comma": (
                "bank_card",
                "zh",
                lambda: (v := grouped(card(rng, "62", 16), "、"), v),
            ),
            "cn_landline_dash": (
                "phone",
                "zh",
                lambda: (
                    v
                    := f"0{rng.randint(10, 999)}-{rng.randint(2, 9)}{rng.randint(0, 9999999):07d}",
                    v,
                ),
            ),
            "cn_landline_paren": (
                "phone",
                "zh",
                lambda: (
                    v := f"(0{rng.randint(10, 99)}) {rng.randint(2000, 9999)} "
                    f"{rng.randint(0, 9999):04d}",
                    v,
                ),
            ),
            "us_dashed": ("phone", "en", lambda: (v := f"{a}-{b}-{c}", v)),
            "us_paren": ("phone", "en", lambda: (v := f"({a}) {b}-{c}", v)),
            "us_plus1": ("phone", "en", lambda: (v := f"+1 {a} {b} {c}", v)),
            "us_dotted": ("phone", "en", lambda: (v := f"{a}.{b}.{c}", v)),
            "email": ("email", "en", lambda: (v := f"{user}@{dom}", v)),
            "email_fullwidth_at": ("email", "zh", lambda: (v := f"{user}＠{dom}", v)),
            "email_at_obfuscated": ("email", "en", lambda: (v := f"{user}(at){dom}", v)),
            "email_idn": ("email", "zh", lambda: (v := "王五@例子.中国", v)),
            "zh_road_door": ("address", "zh", lambda: (road + f"{door}号", f"{door}号")),
            "zh_road_door_cn_numeral": (
                "address",
                "zh",
                lambda: (road + cn_number(door) + "号", cn_number(door) + "号"),
            ),
            "zh_lane": ("address", "zh", lambda: (road + f"{door}弄", f"{door}弄")),
            "zh_building_flat": (
                "address",
                "zh",
                lambda: (
                    estate
                    + (s := f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}"),
                    s,
                ),
            ),
            "zh_building_unit_flat": (
                "address",
                "zh",
                lambda: (
                    estate
                    + (
                        s := f"{rng.randint(1, 30)}栋"
                        f"{rng.randint(1, 6)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
                    ),
                    s,
                ),
            ),
            "zh_unit_flat": (
                "address",
                "zh",
                lambda: (
                    v := f"{rng.randint(1, 6)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}室",
                    v,
                ),
            ),
            "en_house_street": ("address", "en", lambda: (v := f"{door} {street}", v)),
            "en_house_street_flat": (
                "address",
                "en",
                lambda: (v := f"{door} {street} apt {rng.randint(1, 40)}", v),
            ),
        }
        kind, lang, make = table[fmt]
        text, secret = make()
        return kind, fmt, lang, text, secret

    return [one(fmt) for fmt in FORMATS]


FORMATS = [
    "id18",
    "id18_lower_x",
    "id18_spaced",
    "id15",
    "card_unionpay19",
    "card_visa_spaced",
    "card_mc_dashed",
    "card_amex",
    "cn_mobile",
    "cn_mobile_plus86",
    "cn_mobile_dashed",
    "cn_mobile_spaced",
    "cn_mobile_dotted",
    "cn_mobile_fullwidth",
    "cn_mobile_enum_comma",
    "cn_mobile_fullwidth_commas",
    "cn_mobile_bracketed",
    "cn_mobile_zh_numerals_split",
    "id18_enum_comma",
    "card_unionpay_enum_comma",
    "cn_landline_dash",
    "cn_landline_paren",
    "us_dashed",
    "us_paren",
    "us_plus1",
    "us_dotted",
    "email",
    "email_fullwidth_at",
    "email_at_obfuscated",
    "email_idn",
    "zh_road_door",
    "zh_road_door_cn_numeral",
    "zh_lane",
    "zh_building_flat",
    "zh_building_unit_flat",
    "zh_unit_flat",
    "en_house_street",
    "en_house_street_flat",
]


def read_posts(n: int, rng: random.Random) -> dict[str, list[str]]:
    zh_file = DATA / "teddycup2020_c" / "attachment3_hot_issue_messages.csv"
    en_file = DATA / "tweeteval" / "datasets" / "sentiment" / "test_text.txt"
    with zh_file.open(encoding="utf-8") as fh:
        zh = [" ".join((r["留言详情"] or "").split()) for r in csv.DictReader(fh)]
    en = [line.strip() for line in en_file.read_text(encoding="utf-8").splitlines()]
    zh = [t for t in zh if 20 <= len(t) <= 600]
    en = [t for t in en if len(t) >= 20]
    return {"zh": rng.sample(zh, min(n, len(zh))), "en": rng.sample(en, min(n, len(en)))}


def plant(post: str, value: str, lang: str, rng: random.Random) -> str:
    """``post`` with ``value`` at a place a writer would put it."""
    if lang == "en":
        words = post.split(" ")
        i = rng.randint(0, len(words))
        return " ".join(words[:i] + [value] + words[i:])
    spots = [
        i
        for i in range(len(post) + 1)
        if (i == 0 or not post[i - 1].isascii() or not post[i - 1].isalnum())
        and (i == len(post) or not post[i].isascii() or not post[i].isalnum())
    ]
    i = rng.choice(spots)
    return post[:i] + value + post[i:]


def covered(text: str, secret: str, spans) -> bool:
    start = text.find(secret)
    return start >= 0 and all(
        any(s.start <= j < s.end for s in spans) for j in range(start, start + len(secret))
    )


def serve_and_check(items: list[dict], posts: list[str]) -> dict:
    """A real store of the planted and unmodified posts, served in-process: a search for each
    planted secret, and every post through the API, must show none of them."""
    from datetime import datetime, timedelta

    import pyarrow as pa
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.auth import Accounts, Role
    from heard.read.redact import redact_for_search
    from heard.settings import Settings
    from heard.stages.tokens import Segmenter
    from heard.store import open_store

    seg = Segmenter()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pii.duckdb"
        texts = [it["text"] for it in items] + posts
        t0 = datetime(2026, 1, 1)
        with open_store(db) as store:
            table = pa.table(
                {
                    "id": [f"b:{i}" for i in range(len(texts))],
                    "source": ["b"] * len(texts),
                    "external_id": [str(i) for i in range(len(texts))],
                    "text": texts,
                    "text_hash": [str(i) for i in range(len(texts))],
                    "created_at": [t0 + timedelta(minutes=i) for i in range(len(texts))],
                    "ingested_at": [t0] * len(texts),
                    "lang": ["zh"] * len(texts),
                    "search_text": [" ".join(seg.words(redact_for_search(t))) for t in texts],
                }
            )
            with store.registered("_b", table):
                store.con.execute("INSERT INTO posts BY NAME SELECT * FROM _b")
            store.rebuild_search_index()
            token = None
            accounts = Accounts(store)
            accounts.add_user("bench", "bench-password-1", Role.viewer)
            token = accounts.create_token("bench", "bench")[1]
        h = {"Authorization": f"Bearer {token}"}
        search_hits, api_leaks, other_hits = 0, 0, 0
        with TestClient(create_app(Settings(db=db))) as client:
            for it in items:
                found = client.get(
                    "/api/v1/posts", params={"q": it["secret"], "limit": 50}, headers=h
                ).json()
                ids = {p["id"] for p in found["posts"]}
                search_hits += (
                    f"b:{it['index']}" in ids
                )  # the search found the post it was planted in
                other_hits += bool(ids - {f"b:{it['index']}"})
            shown, cursor = {}, None
            while True:
                page = client.get(
                    "/api/v1/posts",
                    params={"limit": 200, **({"cursor": cursor} if cursor else {})},
                    headers=h,
                ).json()
                shown.update({p["id"]: json.dumps(p, ensure_ascii=False) for p in page["posts"]})
                cursor = page["next_cursor"]
                if not cursor:
                    break
            for it in items:
                pid = f"b:{it['index']}"
                one = client.get(f"/api/v1/posts/{pid}", headers=h).text
                api_leaks += it["secret"] in shown.get(pid, "") or it["secret"] in one
    return {
        "search_queries": len(items),
        "search_finding_the_planted_post": search_hits,
        "search_returning_other_posts": other_hits,
        "api_responses_showing_a_planted_secret": api_leaks,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000, help="real posts per language")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-serve", action="store_true", help="skip the store + API leak check")
    args = ap.parse_args()
    if not DATA.exists():
        sys.exit(f"no datasets at {DATA}")
    rng = random.Random(args.seed)
    posts = read_posts(args.posts, rng)
    started = time.perf_counter()

    # findings on unmodified posts
    unmodified: dict[str, dict] = {}
    for lang, texts in posts.items():
        counts, samples = Counter(), defaultdict(list)
        for t in texts:
            for s in find_pii(t):
                counts[s.kind] += 1
                if len(samples[s.kind]) < 8:
                    samples[s.kind].append(t[max(0, s.start - 8) : s.end + 4])
        unmodified[lang] = {
            "posts": len(texts),
            "findings": dict(counts),
            "per_1000_posts": {k: round(1000 * v / len(texts), 1) for k, v in counts.items()},
            "samples": dict(samples),
        }
    negatives = [t for t in NEGATIVES if find_pii(t)]

    # planted
    items = []
    per_lang_posts = {lang: list(texts) for lang, texts in posts.items()}
    rounds = max(1, args.posts // len(FORMATS))
    for _ in range(rounds):
        for kind, fmt, lang, value, secret in generate(rng):
            host = rng.choice(per_lang_posts[lang])
            text = plant(host, value, lang, rng)
            items.append(
                {
                    "index": len(items),
                    "kind": kind,
                    "format": fmt,
                    "lang": lang,
                    "value": value,
                    "secret": secret,
                    "text": text,
                }
            )
    by_kind, by_fmt, right_kind = defaultdict(list), defaultdict(list), 0
    misses, display_leaks = [], 0
    for it in items:
        spans = find_pii(it["text"])
        ok = covered(it["text"], it["secret"], spans)
        by_kind[it["kind"]].append(ok)
        by_fmt[it["format"]].append(ok)
        at = it["text"].find(it["secret"])
        right_kind += ok and any(
            s.kind == it["kind"] and s.start < at + len(it["secret"]) and at < s.end for s in spans
        )
        shown = redact(it["text"])
        display_leaks += it["secret"] in shown
        if not ok and len(misses) < 20:
            misses.append(
                {"format": it["format"], "value": it["value"], "context": it["text"][:160]}
            )
    found = sum(ok for v in by_kind.values() for ok in v)
    result = {
        "benchmark": "pii_eval",
        "command": "PYTHONPATH=src .venv/bin/python bench/pii_eval.py " + " ".join(sys.argv[1:]),
        "seed": args.seed,
        "real_posts_per_language": args.posts,
        "planted": len(items),
        "recall": round(found / len(items), 4),
        "found_with_the_right_kind": round(right_kind / len(items), 4),
        "recall_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
        "recall_by_format": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_fmt.items())},
        "misses": misses,
        "display_leaks": display_leaks,
        "negatives": {
            "written": len(NEGATIVES),
            "with_a_finding": len(negatives),
            "which": negatives,
        },
        "unmodified_posts": unmodified,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    if not args.no_serve:
        result["served"] = serve_and_check(items, posts["zh"][:200] + posts["en"][:200])
    result["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pii_eval.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
