"""Steps the protect tests take through the real pages: a person reports a post, a moderator
removes it from the queue, and the page hands over the author's notice token and the decision."""

from __future__ import annotations

import re

PAGE = {"Accept": "text/html"}


def as_role(tokens: dict[str, str], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}", **PAGE}


def reported_and_removed(client, tokens: dict[str, str], post: str) -> tuple[str, str]:
    """Report ``post`` for doxxing, remove it as the moderator; (author token, decision id)."""
    client.post("/report", data={"post": post, "label": "doxxing", "note": "电话"})
    queue = client.get("/moderate", headers=as_role(tokens, "moderator"))
    flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
    done = client.post(
        f"/moderate/items/{flag_id}",
        data={"decision": "remove", "facts": "公布他人电话号码。", "label": "doxxing"},
        headers=as_role(tokens, "moderator"),
    )
    token = re.search(r'id="author-token">([^<]+)<', done.text).group(1)
    decision_id = re.search(r'id="decision-id">([^<]+)<', done.text).group(1)
    return token, decision_id
