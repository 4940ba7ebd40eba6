"""GraphiQL served by the gateway itself, from npm packages installed at setup: no CDN, no internet.

The page loads React, ReactDOM and GraphiQL's UMD bundles from the configured `node_modules`
folder (`make npm-tools` fills `.cache/npm/node_modules`), plus our own small script
(`static/gateway-graphiql.js`) that adds the example tabs, a signed-in state (filled by the
sign-in example's answer, shown as a badge, sent from every tab) and the query plan panel. Only
a fixed list of files can be fetched, so the asset route cannot read anything else.
A Content-Security-Policy keeps the browser from loading anything from another origin. URLs are
built from the ASGI `root_path`, so GraphiQL works when the app is mounted under a prefix.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from gateway.config import Config
from gateway.server.examples import load_example_tabs, session_config

__all__ = ["ASSET_ROUTE", "GraphiQL"]

log = logging.getLogger("gateway.server")
ASSET_ROUTE = "/graphiql-assets/{name}"
_STATIC = Path(__file__).resolve().parent / "static"
_NPM_FILES: dict[str, str] = {
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
}
_OWN_FILES = ("gateway-graphiql.js",)
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL - Python federation gateway</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{assets}/graphiql.min.css">
<style>
  html, body, #graphiql {{ height: 100%; margin: 0; }}
  .gateway-plan-panel pre {{ white-space: pre; overflow: auto; font-size: 12px; }}
  /* Every example tab in sight: the tab bar wraps instead of scrolling out of view. */
  .graphiql-container .graphiql-session-header {{ height: auto; flex-shrink: 0;
    min-height: var(--session-header-height); }}
  .graphiql-container .graphiql-session-header > .graphiql-tabs {{ flex: 1; min-width: 0; }}
  .graphiql-container .graphiql-tabs {{ flex-wrap: wrap; row-gap: var(--px-4);
    overflow-x: visible; }}
  .graphiql-container .graphiql-tabs > :not(:first-child) {{ margin-left: var(--px-4); }}
  .graphiql-container .graphiql-tab-button {{
    padding: var(--px-4) var(--px-4) var(--px-4) var(--px-8); }}
  .graphiql-container .graphiql-logo {{ flex-shrink: 0; }}
  .gateway-session {{ display: flex; align-items: center; gap: var(--px-8); font-size: 14px;
    color: hsla(var(--color-neutral), var(--alpha-secondary)); max-width: 24em;
    text-align: right; }}
  .gateway-session strong {{ color: hsla(var(--color-neutral), 1); font-weight: 500; }}
  .gateway-session button {{ font: inherit; cursor: pointer; padding: var(--px-4) var(--px-8);
    border: 1px solid hsla(var(--color-neutral), var(--alpha-background-heavy));
    border-radius: var(--border-radius-4); background: none; color: inherit; }}
  .gateway-session-warning {{ color: hsl(var(--color-warning)); }}
</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL&hellip;</div>
<script type="application/json" id="gateway-graphiql-config">{config}</script>
<script src="{assets}/react.production.min.js"></script>
<script src="{assets}/react-dom.production.min.js"></script>
<script src="{assets}/graphiql.min.js"></script>
<script src="{assets}/gateway-graphiql.js"></script>
</body>
</html>
"""
_MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body><h1>GraphiQL is not installed</h1>
<p>The gateway serves GraphiQL from npm packages installed at setup, and these are missing:</p>
<ul>{missing}</ul>
<p>Run <code>make npm-tools</code>, or point <code>GATEWAY_GRAPHIQL_ASSETS_DIR</code>
(<code>graphiql.assets_dir</code>) at a <code>node_modules</code> folder holding graphiql 3,
react 18 and react-dom 18. The GraphQL endpoint itself works without them.</p>
</body></html>
"""


class GraphiQL:
    """The IDE page and its assets, with the example tabs read once at start-up."""

    def __init__(self, config: Config) -> None:
        self._config = config
        assets_dir = config.graphiql.assets_dir
        self._files = {name: assets_dir / relative for name, relative in _NPM_FILES.items()}
        self._files.update({name: _STATIC / name for name in _OWN_FILES})
        self.missing = tuple(str(path) for path in self._files.values() if not path.is_file())
        if self.missing:
            log.warning("GraphiQL assets missing (run make npm-tools): %s", ", ".join(self.missing))
        self._tabs = load_example_tabs(config.graphiql.examples_dir)

    def _page_config(self, root_path: str) -> str:
        placeholder = self._config.graphiql.auth_placeholder
        headers = json.dumps({"Authorization": placeholder}, indent=2) if placeholder else ""
        page_config = {
            "url": root_path + self._config.server.graphql_path,
            "planHeader": self._config.query_plan.header
            if self._config.query_plan.expose
            else None,
            "authPlaceholder": placeholder,
            "defaultHeaders": headers,
            "tabs": [{"query": t.query, "variables": t.variables} for t in self._tabs],
            "session": session_config(self._tabs),
        }
        # `<`, `>` and `&` escaped so no text in an example can close the <script> element.
        text = json.dumps(page_config)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    async def page(self, request: Request) -> Response:
        """The GraphiQL HTML page (or a page explaining how to install its assets)."""
        if self.missing:
            items = "".join(f"<li><code>{html.escape(path)}</code></li>" for path in self.missing)
            return HTMLResponse(_MISSING.format(missing=items), status_code=503)
        root_path = str(request.scope.get("root_path", "")).rstrip("/")
        body = _PAGE.format(
            assets=html.escape(root_path + ASSET_ROUTE.removesuffix("/{name}")),
            config=self._page_config(root_path),
        )
        return HTMLResponse(body, headers={"content-security-policy": _CSP, "vary": "accept"})

    async def asset(self, request: Request) -> Response:
        """One file of the fixed asset list, cached by the browser for a day."""
        path = self._files.get(str(request.path_params.get("name", "")))
        if path is None or not path.is_file():
            return PlainTextResponse("Not found", status_code=404)
        media = "text/css" if path.suffix == ".css" else "text/javascript"
        headers = {"cache-control": "public, max-age=86400"}
        return FileResponse(path, media_type=media, headers=headers)
