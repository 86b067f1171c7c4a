"""Who a request came from, behind a reverse proxy (nginx) the office configured.

The audit's "from where" and the login throttle per address both use ``client_address``. A
forwarded header (``X-Forwarded-For``, else ``X-Real-IP``) is believed only when the connection
itself comes from a trusted proxy (``inspector server run --trusted-proxy 127.0.0.1``, or
``$INSPECTOR_SERVER_TRUSTED_PROXIES``); from anyone else it is ignored, so a client forging it
is recorded, and throttled, under its real address. ``X-Forwarded-For`` is read from the right:
each trusted proxy appends the address it saw, so the first untrusted entry from the right is
the client, and whatever the client wrote further left counts for nothing.

uvicorn's own proxy-header handling is switched off where the server is started (it trusts
127.0.0.1 by default, and would rewrite the peer address before this code sees it).
"""

import ipaddress
import re
from collections.abc import Iterable, Sequence

TRUSTED_PROXIES_ENV = "INSPECTOR_SERVER_TRUSTED_PROXIES"

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_SEPARATORS = re.compile(r"[\s,]+")


class TrustedProxies:
    """Addresses or networks (``10.0.0.0/8``) whose forwarded headers are believed."""

    def __init__(self, entries: Iterable[str] = ()):
        self.networks: list[_Network] = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(f"受信任的代理地址无效：{entry}（应为 IP 地址或网段）") from exc

    @classmethod
    def from_text(cls, text: str) -> "TrustedProxies":
        """From the environment's form: addresses separated by commas or spaces."""
        return cls(part for part in _SEPARATORS.split(text) if part)

    def as_text(self) -> str:
        return ",".join(str(network) for network in self.networks)

    def trusts(self, address: str) -> bool:
        parsed = _parse(address)
        return parsed is not None and any(parsed in network for network in self.networks)

    def client_address(self, peer: str, forwarded_for: Sequence[str], real_ip: str | None) -> str:
        """The client's address: ``peer`` itself unless it is a trusted proxy."""
        if not self.trusts(peer):
            return peer
        hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
        if not hops:
            return real_ip.strip() if real_ip and _parse(real_ip.strip()) else peer
        nearest = peer
        for hop in reversed(hops):
            if _parse(hop) is None:
                return nearest  # not an address: whatever lies beyond it is not believed
            if not self.trusts(hop):
                return hop
            nearest = hop
        return nearest  # every hop a trusted proxy: the farthest one


def _parse(text: str) -> _Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
