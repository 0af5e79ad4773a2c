"""The client's address behind a known number of reverse proxies (pure rule, no Django).

Each proxy appends the address it received the request from to X-Forwarded-For, so only the
right-most `trusted_proxies` entries were written by our own proxies; anything further left came
from the client and can be forged. The client is the entry just before the trusted ones.
"""

from ipaddress import ip_address


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The address to key per-client limits on.

    `remote_addr` is the socket peer (the nearest proxy, if any), `forwarded_for` the raw
    X-Forwarded-For header, `trusted_proxies` how many proxies in front of the application
    append to it. With no trusted proxy the header is ignored entirely.
    """
    peer = (remote_addr or "").strip()
    if trusted_proxies <= 0 or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    # The peer itself is the last trusted proxy; the other trusted ones are the right-most hops.
    chain = [*hops, peer] if peer else hops
    index = len(chain) - 1 - trusted_proxies
    # A shorter chain than configured means a proxy was bypassed: the left-most entry is the
    # furthest hop anyone vouches for.
    candidate = chain[max(index, 0)]
    return candidate if _is_address(candidate) else peer


def _is_address(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True
