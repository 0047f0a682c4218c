"""Language id: py3langid restricted to Heard's language set vs unrestricted.

    .venv/bin/python bench/langid_eval.py     # → bench/results/langid.json

Share of posts labelled with their true language on TweetEval sentiment val (2,000 English
tweets) and weibo_senti_100k dev (first 3,000 Chinese posts), and throughput (texts/s).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "results" / "langid.json"


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"needs the shared datasets at {DATA}")
    from heard.stages.langid import LANGUAGES, LanguageDetector
    from heard.stages.normalise import normalise_text

    tweets = DATA / "tweeteval" / "datasets" / "sentiment" / "val_text.txt"
    english = [normalise_text(x) for x in tweets.read_text(encoding="utf-8").splitlines()]
    weibo = (DATA / "weibo_senti_100k" / "dev.tsv").read_text(encoding="utf-8").splitlines()[:3000]
    chinese = [normalise_text(row.split("\t", 1)[1]) for row in weibo]
    result = {"command": "python bench/langid_eval.py"}
    for name, languages in (("unrestricted", None), ("restricted", LANGUAGES)):
        detector = LanguageDetector(languages)
        t0 = time.perf_counter()
        en, zh = detector.detect_many(english), detector.detect_many(chinese)
        seconds = time.perf_counter() - t0
        result[name] = {
            "model": detector.name,
            "tweeteval_val_en_share": round(en.count("en") / len(en), 4),
            "tweeteval_val_top": Counter(en).most_common(4),
            "weibo_dev3000_zh_share": round(zh.count("zh") / len(zh), 4),
            "weibo_dev3000_top": Counter(zh).most_common(4),
            "texts_per_second": round((len(en) + len(zh)) / seconds),
        }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
