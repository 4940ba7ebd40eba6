"""Image URLs that clients will fetch: https on a public host, checked the same everywhere.

Accounts Center's avatars and the platforms' own profile photos are shown by every client that
displays the profile, so a URL must not point clients at plain http, carry credentials, or aim at
loopback, private, link-local or local-only hosts.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from subgraphs.common.errors import bad_input
from subgraphs.common.text import check_text

__all__ = ["MAX_URL", "check_image_url"]

MAX_URL = 2048

_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


def check_image_url(value: str, argument: str = "imageUrl") -> str:
    """An https URL on a public host. Every linked platform shows the image, so clients fetch
    it: no plain http, no credentials in the URL, and no loopback, private, link-local (such as
    169.254.169.254) or otherwise non-public address, nor a local-only name. Names are not
    resolved here: nothing on the server fetches the image."""
    url = check_text(value, argument, MAX_URL)
    message = f"'{argument}' must be an https URL on a public host."
    if not _URL.match(url):
        raise bad_input(message, argument=argument)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 (a malformed port raises here)
    except ValueError as exc:
        raise bad_input(message, argument=argument) from exc
    if not host or parts.username is not None or parts.password is not None:
        raise bad_input(message, argument=argument)
    if host == _LOCAL_NAMES[0] or host.endswith(_LOCAL_NAMES[1:]):
        raise bad_input(message, argument=argument)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url  # a DNS name
    if not address.is_global or address.is_multicast:
        raise bad_input(message, argument=argument)
    return url
