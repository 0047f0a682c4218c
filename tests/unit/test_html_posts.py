"""A post whose text is HTML (a Mastodon status's ``content``, an RSS description) is stored as
the text a reader sees; before, its tags were stored, shown, searched and embedded as words
(href, class, span). Text that only mentions a tag stays as written."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from heard.connectors.mapping import Mapper
from heard.connectors.markup import html_text, looks_like_html
from heard.records import Post, RawRow

TOOT = (
    '<p>The <a href="https://city.example/tags/bus" class="mention hashtag" rel="tag">#<span>bus'
    '</span></a> 12 was late again &amp; full</p><p>see <a href="https://t.example/x/y">'
    '<span class="invisible">https://</span><span class="">t.example/x/y</span></a><br>东湖站</p>'
)


def test_a_mastodon_status_reads_as_its_text():
    assert looks_like_html(TOOT)
    assert html_text(TOOT) == "The #bus 12 was late again & full\nsee https://t.example/x/y\n东湖站"


@pytest.mark.parametrize(
    "text",
    [
        "a < b and c > d",
        "why does <b>急</b> show up",
        "<script>alert(1)</script><img src=x onerror=alert(2)> 停水",
        "价格<100元，数量>5件",
    ],
)
def test_text_that_is_not_built_of_html_stays_as_written(text):
    assert not looks_like_html(text)


def test_scripts_and_styles_say_nothing():
    assert html_text("<p>停水了<script>alert(1)</script><style>p{}</style></p>") == "停水了"


def test_the_mapper_stores_a_status_as_text_with_its_counts_and_author():
    mapper = Mapper(
        None, "m", "UTC", "pepper", now=lambda: datetime(2027, 1, 1, tzinfo=timezone.utc)
    )
    status = {
        "id": "109372",
        "created_at": "2026-11-05T10:02:00.000Z",
        "content": TOOT,
        "account": {"id": "42", "acct": "ann@mastodon.example"},
        "favourites_count": 7,
        "reblogs_count": 2,
        "replies_count": 1,
        "in_reply_to_id": None,
    }
    post = mapper.map(RawRow(fields=status, file="toots.json", position=1))
    assert isinstance(post, Post), post
    assert post.text.startswith("The #bus 12 was late") and "<" not in post.text
    assert (post.likes, post.shares, post.replies) == (7, 2, 1)
    assert post.author_key  # the account, pseudonymised
    empty = mapper.map(RawRow(fields={**status, "content": "<p></p>"}, file="t", position=2))
    assert getattr(empty, "reason", None) == "missing_text"
