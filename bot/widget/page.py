"""The chat page and the widget's files on the project's web server.

    app.blueprint(widget_blueprint(settings))

    GET /, /chat               the page: the widget, open, talking to Rasa's socket.io channel
    GET /widget/webchat.js     rasa-webchat's browser bundle, from node_modules (`npm ci`)
    GET /widget/waypoint-chat.js, /widget/waypoint-chat.css
                               ours: starts the widget, adds labels and keyboard use, and is
                               what intranet pages embed (docs/webchat.md)

The page carries no inline script (its settings are data attributes), so its CSP allows
scripts from this server only, and connections to the socket URL only. Styles need
'unsafe-inline': rasa-webchat injects its stylesheet at run time.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, file, html, raw, text

from bot.config import PROJECT_ROOT, Settings
from bot.widget.options import connect_sources, socket_url

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
# rasa-webchat's self-contained browser build (React and socket.io-client inside).
WEBCHAT_BUNDLE = PROJECT_ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
TITLE = "Waypoint – career counseling"
NOT_INSTALLED = "The chat widget is not installed on this server: run `npm ci` (make setup) and restart it."

_blueprint_numbers = itertools.count(1)
_OWN_FILES = {"waypoint-chat.js": "text/javascript; charset=utf-8", "waypoint-chat.css": "text/css; charset=utf-8"}
_COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def page_csp(url: str) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",  # the widget's carousel icons (its Google font is taken out of the bundle)
        f"connect-src {connect_sources(url)}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# rasa-webchat's stylesheets each @import a Google font: a request to Google from every
# visitor's browser, which the page's CSP blocks (a console error per stylesheet). The
# widget uses the page's own fonts instead (waypoint-chat.css).
_GOOGLE_FONT = re.compile(rb"@import url\(https://fonts\.googleapis\.com/[^)]*\);")
_bundles: dict[tuple[Path, float], bytes] = {}


def served_bundle(bundle: Path) -> bytes:
    """The bundle as served: read once per version of the file, without the font imports."""
    key = (bundle, bundle.stat().st_mtime)
    if key not in _bundles:
        _bundles.clear()
        _bundles[key] = _GOOGLE_FONT.sub(b"", bundle.read_bytes())
    return _bundles[key]


def widget_blueprint(settings: Settings, bundle: Path = WEBCHAT_BUNDLE) -> Blueprint:
    """A new blueprint per call (each app gets its own). A wrong socket URL stops here, at start-up."""
    url = socket_url(settings)
    csp = page_csp(url)
    templates = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    bp = Blueprint(f"widget_{next(_blueprint_numbers)}")

    async def page(request: Request) -> HTTPResponse:
        body = templates.get_template("chat.html").render(title=TITLE, socket_url=url, installed=bundle.is_file())
        # no-cache: a new release's page (and its file versions) reaches browsers at once
        return html(body, headers={**_COMMON_HEADERS, "Content-Security-Policy": csp, "Cache-Control": "no-cache"})

    bp.add_route(page, "/", methods=["GET"], name="home")
    bp.add_route(page, "/chat", methods=["GET"], name="chat")

    @bp.get("/widget/webchat.js", name="webchat_js")
    async def webchat_js(request: Request) -> HTTPResponse:
        if not bundle.is_file():
            return text(NOT_INSTALLED, status=503, headers=dict(_COMMON_HEADERS))
        return raw(served_bundle(bundle), content_type="text/javascript; charset=utf-8",
                   headers={**_COMMON_HEADERS, "Cache-Control": "public, max-age=3600"})

    @bp.get("/widget/<name:str>", name="own_file")
    async def own_file(request: Request, name: str) -> HTTPResponse:
        mime = _OWN_FILES.get(name)
        if mime is None:  # only the files listed: nothing else of the folder is reachable
            return text("Not found", status=404, headers=dict(_COMMON_HEADERS))
        return await file(STATIC / name, mime_type=mime, headers={**_COMMON_HEADERS, "Cache-Control": "no-cache"})

    return bp
