"""A batch of posts with the columns stages have computed for them so far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heard.records import Post

BASE_COLUMNS = frozenset({"post", "text"})
"""What every batch has before any stage runs: the ``Post`` objects and their raw text."""


class Batch:
    """Posts plus named columns, each as long as the batch (a list or a numpy array).

    Work shared by several stages (tokens, embeddings) is a column computed once and read by all.
    """

    def __init__(self, posts: Sequence[Post], more_waiting: bool = False):
        self.posts: list[Post] = list(posts)
        self.columns: dict[str, Any] = {"text": [p.text for p in self.posts]}
        self.more_waiting = more_waiting
        """The source had more rows ready when this batch was cut (a full batch of a file, a busy
        feed). A stage whose rounds want evidence (the topic pool's seeding) may wait for them;
        a batch without more behind it (a file's last, a feed that caught up) settles at once."""

    def __len__(self) -> int:
        return len(self.posts)

    def __getitem__(self, name: str) -> Any:
        if name == "post":
            return self.posts
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name == "post" or name in self.columns

    def set(self, name: str, values: Any) -> None:
        if len(values) != len(self.posts):
            raise ValueError(
                f"column {name!r} has {len(values)} values for a batch of {len(self.posts)} posts"
            )
        self.columns[name] = values

    def select(self, keep: Sequence[int]) -> Batch:
        """A new batch with only the rows at ``keep`` (columns sliced alike)."""
        out = Batch([self.posts[i] for i in keep], self.more_waiting)
        for name, values in self.columns.items():
            if hasattr(values, "shape"):
                out.columns[name] = values[list(keep)]
            else:
                out.columns[name] = [values[i] for i in keep]
        return out
