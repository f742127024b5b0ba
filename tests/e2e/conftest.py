"""A live Laurel server in a thread, and Debian's Chromium driven by Playwright.

The browser test is skipped only when no Chromium is installed and LAUREL_REQUIRE_BROWSER is
unset; CI sets it (after installing chromium), so there a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_test_app

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_server(tmp_path) -> Iterator[str]:
    """Serve a demo database over real HTTP, with CSRF on, as in production."""
    app = make_test_app(f"sqlite:///{tmp_path / 'e2e.db'}", str(tmp_path / "instance"), WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    with app.app_context():
        from app.demo import load_demo
        from app.models import utcnow

        db.create_all()
        load_demo(now=utcnow())
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("LAUREL_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (LAUREL_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
