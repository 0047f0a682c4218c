"""Examples at the foot of each command's ``--help``: what a user types first, with its meaning.

Kept in one place (not in each command's docstring) so that a test can parse every example with
the real command line and fail when an option it uses is renamed or removed
(tests/integration/test_cli_help_examples.py).
"""

from __future__ import annotations

EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "ingest": [
        ("heard ingest posts.jsonl", "JSONL, CSV/TSV, XLSX, Parquet or a .json array"),
        ("heard ingest 附件3.xlsx --preset teddycup", "Teddy Cup message-board columns"),
        ("heard ingest export.csv --map text=body --map created_at=time", "name the columns"),
        ("heard ingest posts.jsonl --json | jq .stored", "for scripts: the summary as JSON"),
    ],
    "stats": [("heard stats", "counts"), ("heard stats --json", "the same as JSON")],
    "posts": [
        ("heard posts --query 噪音 --lang zh", "full-text search"),
        ("heard posts --intent complaint --since 7d", "complaints of the last week of data"),
        ("heard posts --query 停水 --json > found.json", "for scripts"),
    ],
    "quarantine": [("heard quarantine --reason duplicate_id", "rows not stored, and why")],
    "demo": [("heard demo --db /tmp/demo.duckdb", "the demo in a file of its own")],
    "topics": [
        ("heard topics --since 7d", "topics seen in the last week of data"),
        ("heard topics --rebuild --center", "finer topics on one city's complaint board"),
    ],
    "topic": [("heard topic 3", "keywords, series, places, posts and history")],
    "issues": [
        ("heard issues --window 30d", "issues with a message in the last 30 days of data"),
        ("heard issues --query 搅拌站 --json", "for scripts"),
    ],
    "issue": [("heard issue 1", "one issue and its messages")],
    "hot": [
        ("heard hot --window 24h", "what surges in the last day of data"),
        ("heard hot --window all --no-scan", "a historical board, without firing alerts"),
    ],
    "watch": [
        ("heard watch feed.jsonl", "follow a growing file; Ctrl-C stops cleanly"),
        ("tail -f feed.jsonl | heard watch", "or read stdin"),
    ],
    "report": [
        ("heard report --out brief/", "the brief as one HTML file that opens offline"),
        ("heard report --out brief/ --lang zh --window 30d", "in Chinese, over 30 days"),
    ],
    "serve": [("heard serve --port 8080", "dashboard and API; /api/v1/docs: the API")],
    "export": [
        ("heard export --what issues --out issues.xlsx", "the format follows the suffix"),
        ("heard export --what posts --since 7d --lang zh --out posts.csv", "filtered posts"),
    ],
    "departments": [("heard departments --departments teddycup", "the bundled set")],
    "cases": [("heard cases --department transport --overdue", "one department's late cases")],
    "case": [
        ("heard case 12", "one case's timeline"),
        ("heard case open --issue 1", "hand issue 1 to its department as one case"),
    ],
    "accountability": [("heard accountability --json", "each department's public record")],
    "notify": [("heard notify --dry-run", "what would be sent, sending nothing")],
    "replies": [("heard replies --department transport", "reply quality per case")],
    "route": [("heard route 公交站撤了 --departments teddycup", "department and why")],
    "flags": [
        ("heard flags --status pending", "flags waiting for a person"),
        ("heard flags --rescan", "today's detectors over every post"),
    ],
    "review": [("heard review --as mod1", "work the queue as moderator mod1")],
    "notice": [("heard notice POST_ID --as mod1", "a new notice token for the author")],
    "original": [("heard original POST_ID --reason 'court order 12' --as mod1", "audited")],
    "decisions": [("heard decisions --dsa", "DSA transparency-database JSON")],
    "flag": [("heard flag POST_ID --label spam --as alice", "a person reviews it")],
    "appeal": [("heard appeal DECISION_ID --text 'this is satire'", "once per decision")],
    "transparency": [("heard transparency --json", "public counts, never per author")],
    "config show": [("heard config show", "every setting, its value and what it does")],
    "users add": [
        ("heard users add alice --role analyst", "asks for the password"),
        ("heard users add bo --role responder --department transport", "one department"),
    ],
    "users token": [("heard users token alice --label water-bureau", "printed once")],
    "audit verify": [("heard audit verify --json", "exit 0 when the chain is intact")],
    "train sentiment": [("heard train sentiment --out /tmp/head --seed 7", "reproducible")],
}
"""Per command (a group's as "group command"): (command line, what it does)."""


def epilog_of(name: str) -> str | None:
    """The examples of command ``name`` as a help epilog (kept as written: ``\\b``)."""
    examples = EXAMPLES.get(name)
    if not examples:
        return None
    lines = [f"  # {what}\n  {line}" for line, what in examples]
    return "\b\nExamples:\n" + "\n".join(lines)
