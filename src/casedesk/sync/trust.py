"""Which certificates a device trusts for its server: the one the site profile names, else the system's store.

An area running its sync server under its own CA (or a self-signed certificate) names that PEM file in the site
profile (`server.certificate`). For that server, and only that one (same scheme, host and port as the profile's
URL), the device then trusts that file and nothing else, so a certificate from any other CA, however valid
elsewhere, is refused. Every other address keeps the system's certificate store.
"""

from __future__ import annotations

import ssl

import httpx

from casedesk import site_profile


def _origin(url: str) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host.lower(), parsed.port


def verify_for(base_url: str) -> ssl.SSLContext | bool:
    """What httpx should verify `base_url`'s certificate against (True: the system's store)."""
    server = site_profile.load().server
    if server is None or server.certificate is None or _origin(base_url) != _origin(server.url):
        return True
    try:
        return ssl.create_default_context(cafile=str(server.certificate))
    except (ssl.SSLError, OSError) as exc:
        raise site_profile.SiteProfileError(
            f"The site profile's server certificate {server.certificate} cannot be used ({exc})."
        ) from exc
