"""Search is no oracle on what was redacted, on both backends, as a user meets it: posts with a
phone number, an ID number and e-mail addresses (one written with an ideographic full stop,
``zhang@example。com``, which displays used to show and the index used to keep) are ingested
with the real CLI; searching any of those values, or a piece of one, finds nothing through
``heard posts -q`` or the API's ``q=``, and no text shown holds it. Searching ``[phone]`` or
``[email]`` does not list the posts whose number or address was removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

POSTS = [
    ("1", "家里停水了，请联系我 13812345678，邮箱 zhang.wei@example.com"),
    ("2", "我的身份证号 11010519491231002X 被冒用了，请处理"),
    ("3", "路灯坏了一个月，来信请发 li.ming@mail。qq。com"),
    ("4", "Call me at +1 415-555-0199 about the broken streetlight"),
    ("5", "停水三天了，没人管"),
]
VALUES = [
    "13812345678",
    "5678",
    "zhang.wei@example.com",
    "zhang",
    "example",
    "11010519491231002X",
    "110105",
    "li.ming@mail。qq。com",
    "li.ming",
    "ming",
    "4155550199",
    "0199",
]


def _cli(capsys: Any, *args: str) -> Any:
    from heard.cli import run

    capsys.readouterr()
    assert run(list(args)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_searching_a_redacted_value_finds_nothing(target: str, tmp_path: Path, capsys: Any) -> None:
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings

    src = tmp_path / "pii.jsonl"
    rows = [
        {"id": i, "author": f"a{i}", "text": t, "created_at": "2026-11-01T10:00:00Z"}
        for i, t in POSTS
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert _cli(capsys, "ingest", str(src), "--db", target, "--json")["stored"] == len(POSTS)
    _cli(capsys, "users", "add", "ana", "--role", "analyst", "--password", "pw-123456789",
         "--db", target, "--json")  # fmt: skip
    token = _cli(capsys, "users", "token", "ana", "--db", target, "--json")["token"]

    def shown(found: list[dict[str, Any]]) -> str:
        return json.dumps(found, ensure_ascii=False)

    everything = _cli(capsys, "posts", "--db", target, "--json")
    assert len(everything) == len(POSTS)
    for value in VALUES:
        assert value not in shown(everything), value
        assert _cli(capsys, "posts", "-q", value, "--db", target, "--json") == [], value
    for mark in ("[phone]", "[email]", "[id]"):
        assert _cli(capsys, "posts", "-q", mark, "--db", target, "--json") == [], mark
    assert [p["external_id"] for p in _cli(capsys, "posts", "-q", "停水", "--db", target,
            "--json")] in (["1", "5"], ["5", "1"])  # fmt: skip

    app = create_app(Settings(db=target))
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}"}

        def api(q: str) -> dict[str, Any]:
            got = client.get("/api/v1/posts", params={"q": q, "limit": 50}, headers=headers)
            assert got.status_code == 200, got.text
            body: dict[str, Any] = got.json()
            return body

        for value in VALUES + ["[phone]", "[email]"]:
            body = api(value)
            assert body["posts"] == [] and value not in shown(body["posts"]), value
        found = api("路灯")["posts"]
        assert [p["external_id"] for p in found] == ["3"]
        assert "li.ming" not in shown(found) and "[email]" in found[0]["text"]
