"""The consent screen's HTML: which app asks, for what, and a form to approve or deny.

Plain server-rendered HTML with every value escaped (`html.escape`), no script at all, and
headers that forbid framing (clickjacking) and loading anything from elsewhere. The form sends
the request's parameters back in hidden fields with a CSRF token that must match the
`oauth_csrf` cookie set with the page (double submit, `SameSite=Strict`), and the person's
password, so another site can neither post an approval nor frame the page to trick a click.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

__all__ = ["PAGE_HEADERS", "consent_page", "problem_page"]

PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""No `form-action`: the approval is followed by a redirect to the app, which it would block."""

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
    "li{margin:.3rem 0}label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem}"
    "button{padding:.5rem 1.2rem;margin-right:.6rem}.error{color:#b00020}"
)


def _document(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def consent_page(
    *,
    app_name: str,
    scopes: Sequence[tuple[str, str]],
    hidden: Mapping[str, str],
    csrf: str,
    error: str | None = None,
) -> str:
    """The page asking the person to let `app_name` read what `scopes` describe."""
    name = html.escape(app_name)
    items = "".join(
        f"<li><strong>{html.escape(description)}</strong> <code>{html.escape(scope)}</code></li>"
        for scope, description in scopes
    )
    fields = "".join(
        f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
        for key, value in hidden.items()
    )
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = (
        f"<h1>Allow {name} to read your data?</h1>"
        f'<p><strong>{name}</strong> asks to:</p><ul id="scopes">{items}</ul>'
        "<p>It cannot change anything or see anything else. You can withdraw this any time in"
        " Accounts Center.</p>"
        f'{problem}<form method="post" action="/oauth/authorize">{fields}'
        f'<input type="hidden" name="csrf" value="{html.escape(csrf)}">'
        '<label>Email <input name="email" type="email" autocomplete="username"></label>'
        '<label>Password <input name="password" type="password"'
        ' autocomplete="current-password"></label>'
        '<button name="decision" value="approve" type="submit">Allow</button>'
        '<button name="decision" value="deny" type="submit">Deny</button></form>'
    )
    return _document(f"Allow {app_name}?", body)


def problem_page(message: str) -> str:
    """An error shown to the person (never sent to an unverified redirect URI)."""
    return _document(
        "Cannot continue", f'<h1>Cannot continue</h1><p class="error">{html.escape(message)}</p>'
    )
