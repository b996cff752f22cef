"""The widget's two settings besides the secrets, checked: `webchat_socket_url`
(WAYPOINT_WEBCHAT_SOCKET_URL) and `webchat_origins` (WAYPOINT_WEBCHAT_ORIGINS)."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.config import Settings

# Rasa's address as the employee's browser sees it (scripts/run-stack.sh: port 5005).
DEFAULT_SOCKET_URL = "http://localhost:5005"


def _setting(settings: Settings, name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(default if value is None else value).strip()


def socket_url(settings: Settings) -> str:
    """Where the widget opens its socket.io connection: an origin such as
    https://rasa.example.org, or "" for the page's own origin (a proxy in front of both)."""
    raw = _setting(settings, "webchat_socket_url", DEFAULT_SOCKET_URL)
    if not raw:
        return ""
    origin = origin_of(raw)
    if origin is None or urlsplit(raw).path.strip("/") or urlsplit(raw).query:
        # socket.io reads a path in the URL as its namespace: a proxy prefix would not work
        raise ValueError(
            f"WAYPOINT_WEBCHAT_SOCKET_URL must be an origin like http://localhost:5005 (no path), "
            f"or empty for the page's own origin; got {raw!r}"
        )
    return origin


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL, lower-case; None for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port and port != default else "")


def allowed_origins(settings: Settings) -> list[str] | str:
    """Pages allowed to open the widget's socket: the project's own page (base_url), plus the
    intranet pages listed in WAYPOINT_WEBCHAT_ORIGINS (comma-separated origins); "*" allows any."""
    listed = [o.strip() for o in _setting(settings, "webchat_origins", "").split(",") if o.strip()]
    if "*" in listed:
        return "*"
    bad = [o for o in listed if origin_of(o) is None]
    if bad:
        raise ValueError(f"WAYPOINT_WEBCHAT_ORIGINS: not an http(s) origin: {', '.join(bad)}")
    origins = {origin_of(o) for o in listed}
    own = origin_of(settings.base_url)
    if own:
        origins.add(own)
        # on one machine the page is opened as localhost as often as 127.0.0.1
        for alias, other in (("//localhost", "//127.0.0.1"), ("//127.0.0.1", "//localhost")):
            if alias + ":" in own or own.endswith(alias):
                origins.add(own.replace(alias, other, 1))
    return sorted(o for o in origins if o)


def connect_sources(url: str) -> str:
    """The CSP connect-src for a socket URL: the http(s) origin and its ws(s) twin."""
    origin = origin_of(url) if url else None
    if origin is None:
        return "'self'"
    socket_origin = "ws" + origin[4:]  # http -> ws, https -> wss
    return f"'self' {origin} {socket_origin}"
