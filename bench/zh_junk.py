"""Junk in the topics of a Chinese board: code fragments (a4, A2区), names cut by the segmenter at
an administrative character (区丽发, 市伊: not words in jieba's dictionary) and the board's
anonymised place codes (A市) among the labels, keywords and places of the largest topics.

    .venv/bin/python bench/zh_junk.py --db STORE [--top 50] [--out bench/results/zh_junk.json]

STORE is a Heard store after ``heard ingest 附件3.xlsx --preset teddycup`` (or 附件4).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

CODE = re.compile(r"^[a-zA-Z]\d{0,2}(?:省|市|区|县)?$")
ADMIN = "市区县省"


def _dictionary() -> dict[str, int]:
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def is_junk(term: str, words: dict[str, int]) -> bool:
    term = term.strip()
    if CODE.match(term):
        return True
    return (
        2 <= len(term) <= 4
        and (term[0] in ADMIN or term[-1] in ADMIN)
        and not words.get(term)
        and re.search(r"[\u4e00-\u9fff]", term) is not None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from heard.store import open_store

    words = _dictionary()
    with open_store(args.db, read_only=True) as store:
        rows = store.rows(
            "SELECT topic_id, label, keywords, places FROM topics WHERE status = 'active' "
            f"ORDER BY size DESC LIMIT {int(args.top)}"
        )
    found: dict[str, list[str]] = {"label": [], "keywords": [], "places": []}
    for r in rows:
        found["label"] += [t for t in (r["label"] or "").split(" · ") if is_junk(t, words)]
        kws = [
            k["term"] if isinstance(k, dict) else k[0] for k in json.loads(r["keywords"] or "[]")
        ]
        found["keywords"] += [t for t in kws if is_junk(t, words)]
        places = [p[0] for p in json.loads(r["places"] or "[]")]
        found["places"] += [t for t in places if is_junk(t, words)]
    result = {
        "db": args.db,
        "topics": len(rows),
        "junk": {k: len(v) for k, v in found.items()},
        "examples": {k: sorted(set(v))[:15] for k, v in found.items()},
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
