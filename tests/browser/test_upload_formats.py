"""The dashboard's upload page in Debian chromium with the files people have beside JSONL: a JSON
array, a JSON object wrapping one (``{"data": [...]}``, a saved API response) and a CSV saved in
GB18030 (GBK) by a Chinese spreadsheet. Each reports what was stored and, for each quarantined
row, its position and reason."""

from __future__ import annotations

import json

import pytest
from conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _posts(tag: str) -> list[dict]:
    return [
        {
            "id": f"{tag}{i}",
            "text": f"{tag} 第{i}条：小区门口的路灯坏了{i}天，晚上走路很危险，请尽快修理。",
            "created_at": f"2026-11-0{i + 1} 09:30:00",
            "author": f"u{i}",
        }
        for i in range(3)
    ]


def _files(tmp_path) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """(file, posts it stores, [(position, reason)] it quarantines)."""
    array = tmp_path / "array-posts.json"
    posts = _posts("arr")
    array.write_text(json.dumps([posts[0], 7, posts[1], posts[2]], ensure_ascii=False))
    wrapped = tmp_path / "wrapped-posts.json"
    posts = _posts("wrap")
    body = {"meta": {"count": 4}, "data": [posts[0], posts[1], "not a post", posts[2]]}
    wrapped.write_text(json.dumps(body, ensure_ascii=False))
    gbk = tmp_path / "gbk-posts.csv"
    lines = ["id,text,created_at,author"]
    lines += [f"{p['id']},{p['text']},{p['created_at']},{p['author']}" for p in _posts("gbk")]
    lines.insert(3, "gbk-bad,东湖路积水严重，车辆无法通行,不是日期,u9")
    gbk.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    return [
        (str(array), 3, [(2, "not_an_object")]),
        (str(wrapped), 3, [(3, "not_an_object")]),
        (str(gbk), 3, [(4, "bad_date")]),
    ]


def test_json_and_gbk_csv_uploads_report_what_was_stored_and_quarantined(page, server, tmp_path):
    base, password = server
    login(page, base, password)
    for path, stored, quarantined in _files(tmp_path):
        page.goto(base + "/upload")
        accept = page.get_attribute("#upload-form input[type=file]", "accept")
        assert path.rsplit(".", 1)[-1] in accept.replace(".", "").split(",")  # pickable
        page.set_input_files("#upload-form input[type=file]", path)
        page.click("#upload-form button[type=submit]", timeout=180_000)
        page.wait_for_selector("#upload-result, #upload-error", timeout=180_000)
        name = path.rsplit("/", 1)[-1]
        page.screenshot(path=str(SCREENSHOTS / f"upload-{name}.png"), full_page=True)
        if page.locator("#upload-error").count():
            pytest.fail(f"{name} was refused: " + page.inner_text("#upload-error"))
        assert int(page.inner_text("#count-stored")) == stored, name
        assert int(page.inner_text("#count-quarantined")) == len(quarantined), name
        rows = page.locator("#upload-quarantined tbody tr")
        shown = [
            (int(rows.nth(i).locator(".q-position").inner_text()),
             rows.nth(i).locator(".q-reason").inner_text())
            for i in range(rows.count())
        ]  # fmt: skip
        assert shown == quarantined, name
    page.goto(base + "/search?q=" + "路灯")
    texts = " ".join(page.locator("#results .post-text").all_inner_texts())
    for tag in ("arr", "wrap", "gbk"):  # stored and found, the GB18030 text read as Chinese
        assert f"{tag} 第" in texts, tag
    assert not page.dialogs and not page.page_errors and not page.console_errors, (
        page.console_errors
    )
