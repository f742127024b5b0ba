"""Addresses to print on paper and in mail: absolute, under LAUREL_PUBLIC_URL when set."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for


def public_url(endpoint: str, **values: Any) -> str:
    """An address to print on paper or send in a mail: under LAUREL_PUBLIC_URL when set, else the address the
    request came to (outside a request, the development server's)."""
    if has_request_context():
        path, root = url_for(endpoint, **values), request.url_root
    else:  # a job, or the command line: no request to take the address from
        path, root = current_app.url_map.bind("localhost").build(endpoint, values), "http://localhost:5000/"
    base = current_app.config["PUBLIC_URL"] or root
    return base.rstrip("/") + path
