"""Which real citizen messages the redaction changes, and what it takes out of them.

    PYTHONPATH=src .venv/bin/python bench/pii_real_texts.py [--out FILE] [--compare FILE]

Reads the Teddy Cup 2020 C messages in ``../shared/data/teddycup2020_c`` (evaluation-only): the
full-record subset (附件2's records: title and body), 附件3 and 附件4 (title, body; 附件4's official
reply too). Each text goes through ``replace_pii(masked=True)`` as every display does. Prints how
many texts change, by PII kind, and writes every changed text's key with the spans found, so that
two versions of the detector can be compared text by text (``--compare`` an earlier output: the
texts changed now and not then, or then and not now, each with its spans to read by hand).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "teddycup2020_c"
SETS = {
    "full_records": ("messages_full_records_subset.csv", ("留言主题", "留言详情")),
    "attachment3": ("attachment3_hot_issue_messages.csv", ("留言主题", "留言详情")),
    "attachment4": (
        "attachment4_messages_with_official_replies.csv",
        ("留言主题", "留言详情", "答复意见"),
    ),
}


def texts() -> list[tuple[str, str]]:
    out = []
    for name, (file, fields) in SETS.items():
        with (DATA / file).open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                for field in fields:
                    text = (row.get(field) or "").strip()
                    if text:
                        out.append((f"{name}:{row.get('留言编号') or i}:{field}", text))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="write the changed texts here")
    parser.add_argument("--compare", type=Path, default=None, help="an earlier --out")
    args = parser.parse_args()
    from heard.protect.pii import VERSION, find_pii

    rows = texts()
    changed: dict[str, list[list[str]]] = {}
    kinds: Counter[str] = Counter()
    for key, text in rows:
        spans = find_pii(text, masked=True)
        if spans:
            changed[key] = [[s.kind, s.text] for s in spans]
            kinds.update({s.kind for s in spans})
    summary = {
        "detector": VERSION,
        "texts": len(rows),
        "changed": len(changed),
        "texts_by_kind": dict(sorted(kinds.items())),
    }
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))["changed"]
        summary["compared_with"] = json.loads(args.compare.read_text(encoding="utf-8"))["detector"]
        summary["new"] = {k: v for k, v in changed.items() if before.get(k) != v}
        summary["gone"] = {k: v for k, v in before.items() if k not in changed}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.out:
        args.out.write_text(
            json.dumps({**summary, "changed": changed}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
