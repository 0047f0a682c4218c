"""The random sample of 附件4 replies that were annotated by hand, and a reader for annotating.

Why a script: the sample must be reproducible (fixed seed) and the data has no licence, so the
repository stores only 留言编号 and labels; the texts are read from ../shared/data at annotation
time and never written to the repository.

    python bench/reply_annotation_sample.py ids            # the 300 ids of pass A, in order
    python bench/reply_annotation_sample.py ids --pass b   # the 100 ids of pass B (a subset)
    python bench/reply_annotation_sample.py show 0 25      # print items 0..24 of pass A to read
    python bench/reply_annotation_sample.py show 0 25 --pass b
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = (
    REPO.parent
    / "shared"
    / "data"
    / "teddycup2020_c"
    / "attachment4_messages_with_official_replies.csv"
)
SEED = 20261204  # recorded in docs/answer/reply_annotation_guide.md
SAMPLE_A = 300
SAMPLE_B = 100
SHOW_MESSAGE_CHARS = 900  # the reader shows at most this much of a message …
SHOW_REPLY_CHARS = 1200  # … and of a reply (longer texts are cut; the guide says so)


def load_rows(path: Path = DATA) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sample_ids(rows: list[dict[str, str]], which: str = "a") -> list[str]:
    """Pass A: 300 ids drawn with ``SEED``; pass B: 100 of those, reshuffled with ``SEED + 1``
    so the second pass meets them in a different order."""
    ids = sorted((r["留言编号"] for r in rows), key=int)
    first = random.Random(SEED).sample(ids, SAMPLE_A)
    if which == "a":
        return first
    second = random.Random(SEED + 1).sample(first, SAMPLE_B)
    return second


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …[cut]"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("what", choices=["ids", "show"])
    parser.add_argument("start", nargs="?", type=int, default=0)
    parser.add_argument("stop", nargs="?", type=int, default=None)
    parser.add_argument("--pass", dest="which", choices=["a", "b"], default="a")
    args = parser.parse_args()
    rows = load_rows()
    ids = sample_ids(rows, args.which)
    if args.what == "ids":
        print("\n".join(ids))
        return
    by_id = {r["留言编号"]: r for r in rows}
    for n, mid in enumerate(ids[args.start : args.stop], start=args.start):
        r = by_id[mid]
        print(f"=== #{n} id={mid}")
        print("Q:", _cut(r["留言主题"], 120), "|", _cut(r["留言详情"], SHOW_MESSAGE_CHARS))
        print("R:", _cut(r["答复意见"], SHOW_REPLY_CHARS))


if __name__ == "__main__":
    main()
