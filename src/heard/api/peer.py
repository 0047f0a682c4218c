"""Who is on the other end of a request, behind a reverse proxy too.

Behind nginx or a load balancer every request comes from the proxy's address, so a per-address
login limit would lock everyone out after 5 failures, and the request looks like plain http even
when the browser used https, so cookies would never get ``Secure``. ``X-Forwarded-For`` and
``X-Forwarded-Proto`` fix both, but anyone can send them: they are honoured only when the request
comes from a proxy the operator names in ``trusted_proxies`` (addresses or networks, e.g.
``["127.0.0.1", "10.0.0.0/8"]``). The client is then the rightmost X-Forwarded-For address that
is not itself a trusted proxy (the leftmost ones are whatever the client wrote).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from fastapi import Request


@lru_cache(maxsize=32)
def _parse(entries: tuple[str, ...]) -> tuple[tuple[ipaddress._BaseNetwork, ...], frozenset[str]]:
    networks, names = [], set()
    for entry in entries:
        entry = entry.strip()
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry)  # a host name as the ASGI server reports it (tests: "testclient")
    return tuple(networks), frozenset(names)


def is_trusted(host: str | None, trusted: Iterable[str]) -> bool:
    """Whether ``host`` is one of the ``trusted`` proxies (addresses, networks or names)."""
    if not host:
        return False
    networks, names = _parse(tuple(trusted))
    if host in names:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _trusted(request: Request) -> tuple[str, ...]:
    settings = getattr(request.app.state, "settings", None)
    return tuple(getattr(settings, "trusted_proxies", None) or ())


def client_address(request: Request) -> str:
    """The client's address: the peer's, or, from a trusted proxy, the forwarded one."""
    peer = request.client.host if request.client else "?"
    trusted = _trusted(request)
    if not is_trusted(peer, trusted):
        return peer
    hops = [
        h.strip()
        for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")
        if h.strip()
    ]
    for hop in reversed(hops):
        if not is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def limit_key(address: str) -> str:
    """What a per-client limit counts for ``address``: an IPv4 address itself; for IPv6 its
    /64 network, which one client holds whole (a home or phone line is given a /64, and picks a
    new address in it at will: keyed by the full address, a limit held for no one on IPv6)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address  # a name as the ASGI server reports it (tests: "testclient")
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is that IPv4 client
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def is_https(request: Request) -> bool:
    """Whether the browser reached us over https: directly, or through a trusted proxy that says
    so in ``X-Forwarded-Proto`` (cookies then get ``Secure``)."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    if not is_trusted(peer, _trusted(request)):
        return False
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto == "https"
