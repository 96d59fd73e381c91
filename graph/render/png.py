"""A map as a PNG image: the page drawn by headless Chromium, through Playwright.

Playwright is optional (``pip install 'pubgraph[png]'``) and imported only here, when a PNG
is asked for; Chromium is the system's (``/usr/bin/chromium``, or ``PUBGRAPH_CHROMIUM``), so
no browser is downloaded. The page is opened from a temporary file with every request that
is not a file blocked, as a reader would open it offline.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..errors import NetworkError

__all__ = ["CHROMIUM_ARGS", "DEFAULT_CHROMIUM", "chromium_path", "page_png", "require_png"]

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
DEFAULT_CHROMIUM = "/usr/bin/chromium"
_SIZE = {"width": 1600, "height": 1000}
_READY_MS = 120_000


def chromium_path(given: str | None = None) -> str:
    """The Chromium to drive: ``given`` (the command line's ``--chromium`` or
    ``PUBGRAPH_CHROMIUM``), else ``/usr/bin/chromium``.

    >>> chromium_path(), chromium_path("/opt/chromium/chrome")
    ('/usr/bin/chromium', '/opt/chromium/chrome')
    """
    return given or DEFAULT_CHROMIUM


def require_png(path: Path, chromium: str | None = None) -> Any:
    """Playwright's sync API when it and Chromium (``chromium``: see :func:`chromium_path`)
    are there; else one line saying what to install."""
    try:
        from playwright import sync_api
    except ImportError as err:
        raise NetworkError(
            f"cannot write {path}: a PNG map needs Playwright: pip install 'pubgraph[png]' (or write a .html page)"
        ) from err
    browser = chromium_path(chromium)
    if not (Path(browser).is_file() or shutil.which(browser)):
        raise NetworkError(
            f"cannot write {path}: a PNG map needs Chromium at {browser}: "
            "apt-get install chromium, or set PUBGRAPH_CHROMIUM to its path"
        )
    return sync_api


def page_png(page: str, path: Path, chromium: str | None = None) -> bytes:
    """The PNG of the HTML ``page`` once its map is drawn, 1600 x 1000 pixels."""
    sync_api = require_png(path, chromium)
    with tempfile.TemporaryDirectory(prefix="pubgraph-png-") as folder:
        html = Path(folder) / "map.html"
        html.write_text(page, encoding="utf-8")
        try:
            with sync_api.sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium_path(chromium), args=list(CHROMIUM_ARGS))
                try:
                    return _shoot(browser, html)
                finally:
                    browser.close()
        except sync_api.Error as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise NetworkError(f"cannot write {path}: Chromium failed: {first}") from err


def _shoot(browser: Any, html: Path) -> bytes:
    context = browser.new_context(viewport=_SIZE)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    tab = context.new_page()
    tab.goto(html.as_uri())
    tab.wait_for_function("window.pubgraph && window.pubgraph.ready", timeout=_READY_MS)
    tab.wait_for_timeout(100)  # the labels' pass runs after the first frame
    image: bytes = tab.screenshot(type="png")
    context.close()
    return image
