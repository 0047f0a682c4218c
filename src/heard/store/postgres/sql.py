"""The store's SQL dialect bridge: the read model writes ``?`` placeholders (DuckDB's); psycopg
takes ``%s``. Translated once per distinct statement, outside quotes and comments only."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1024)
def to_psycopg(sql: str) -> str:
    """``?`` → ``%s`` outside string literals, quoted identifiers and comments; every literal
    ``%`` doubled (psycopg reads ``%`` as a placeholder anywhere once parameters are given, e.g.
    inside ``'%Y-%m-%d'``)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:  # '' or "" inside the quotes
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def redact_url(url: str) -> str:
    """The URL with any password hidden (it goes into error messages and logs)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in creds else ''}@{host}"
