"""Where a webhook may point: the guard against server-side request forgery (D51).

- https only; plain http only to a loopback address, and loopback at all only when
  `DEBUG` or `SAMSYN_WEBHOOK_ALLOW_LOOPBACK` is on (development and tests);
- no user name or password in the address;
- every address the host name resolves to must be public: private, link-local, reserved,
  multicast and unspecified addresses are refused, except networks the operator lists in
  `SAMSYN_WEBHOOK_PRIVATE_NETWORKS` (for a receiver inside the municipality's own network).

The check runs when a webhook is made and again before every delivery (a name can be pointed
elsewhere later). Between that check and the connection the name is resolved once more; an
attacker who controls the DNS answers could change it in between, so operations should also
limit outgoing traffic from the app servers (docs/api.md).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def allow_loopback() -> bool:
    return bool(settings.DEBUG or getattr(settings, "SAMSYN_WEBHOOK_ALLOW_LOOPBACK", False))


def private_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(n, strict=False)
        for n in getattr(settings, "SAMSYN_WEBHOOK_PRIVATE_NETWORKS", [])
    ]


def _resolve(host: str, port: int) -> list[Address]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _refused(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return not allow_loopback()
    if any(address in network for network in private_networks()):
        return False
    return not address.is_global or address.is_multicast


def check_url(url: str) -> None:
    """Refuse, in Swedish, an address samsyn must not send to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("Adressen går inte att tolka.")) from exc
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError(_("Ange en fullständig adress som börjar med https://."))
    if parts.username or parts.password:
        raise ValidationError(_("Adressen får inte innehålla användarnamn eller lösenord."))
    try:
        addresses = _resolve(host, port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError, ValueError) as exc:
        raise ValidationError(
            _("Adressen %(host)s går inte att slå upp.") % {"host": host}
        ) from exc
    loopback = all(a.is_loopback for a in addresses)
    if parts.scheme == "http" and not (loopback and allow_loopback()):
        raise ValidationError(_("Adressen måste börja med https:// (krypterad förbindelse)."))
    if any(_refused(a) for a in addresses):
        raise ValidationError(
            _(
                "Adressen pekar in i ett internt nätverk (%(host)s). samsyn skickar bara till "
                "publika adresser."
            )
            % {"host": host}
        )
