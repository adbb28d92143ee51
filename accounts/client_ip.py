"""The client's IP address, for lockout, sign-in rate limits and the access log.

`X-Forwarded-For` is believed only when the request comes from a proxy listed in
`TRUSTED_PROXY_IPS` (addresses or networks): anyone else can write any address in it, and
would then choose whose attempts their failures count against.
"""

import ipaddress

from django.conf import settings


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    networks = (ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXY_IPS)
    return address is not None and any(address in net for net in networks)


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind trusted proxies the nearest `X-Forwarded-For` hop that is not one.

    The header is read from the right: each trusted proxy appends the address it received the
    request from, so the first untrusted hop is the client; whatever it wrote further left is
    its own claim and is never reached. A malformed hop ends the walk at the last trusted peer.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    peer = _address(remote or "")
    if not _trusted(peer):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return str(peer)
        if not _trusted(address):
            return str(address)
        peer = address
    return str(peer)
