"""Headless Chromium through Playwright for Python, for the report tests.

Playwright's wheel carries its driver (a bundled node); the browser is Debian's
`chromium`, launched by path, so nothing is downloaded (never `playwright install`).
Each `Chromium` gets a fresh browser context (its own profile: no cookies, cache or
storage from another test) with one page; clients open at the same time share one
Chromium process, stopped when the last one closes. `Chromium.open` loads a page and
reports every script exception, console error and failed resource, every request that
leaves the site (`page.on("request")`), the images, headings and tables in the page,
and a screenshot.
`Chromium.axe` runs axe-core (npm, pinned in tests/axe/package-lock.json, installed on
first use by `axe_source_or_skip` into the gitignored tests/axe/node_modules) in the
open page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Playwright,
    Request,
    ViewportSize,
    sync_playwright,
)

AXE_DIR = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA plus axe's best practices (landmarks, region, heading order, ...).
AXE_RUN = """async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                    'best-practice']},
    resultTypes: ['violations']
  });
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}));
}"""
SEVERE = ("serious", "critical")

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Playwright adds its own automation defaults (no first run, no sync, no component
# updates, no background networking). Chromium refuses to start as root with its
# sandbox, and containers rarely grant the user namespaces it needs; the pages it
# opens are the project's own files, so it runs without (chromium_sandbox=False).
FLAGS = ["--disable-gpu"]
VIEWPORT: ViewportSize = {"width": 1280, "height": 1600}

PAGE_FACTS = """() => ({
  images: Array.from(document.images).map(i => ({
    src: i.currentSrc.slice(0, 60), loaded: i.complete && i.naturalWidth > 0,
    alt: i.getAttribute('alt')})),
  headings: Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
    .filter(h => h.offsetParent !== null || h.getClientRects().length)
    .map(h => Number(h.tagName[1])),
  tables: Array.from(document.querySelectorAll('table')).map(t => t.querySelectorAll('th').length),
  text: document.body.innerText.length,
  lang: document.documentElement.lang
})"""


def find_chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What a page showed: its images, headings, tables, errors, and a screenshot."""

    url: str
    images: list[dict] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    tables: list[int] = field(default_factory=list)
    text: int = 0
    lang: str = ""
    errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    outside: list[str] = field(default_factory=list)


class _Session:
    """The Playwright driver and one Chromium process per binary, shared by the
    `Chromium` clients open at the same time and stopped when the last one closes.

    Stopping matters: between its calls Playwright's sync API leaves its event loop
    marked as running in this thread, so `asyncio.run` (papermill, jupyter_client)
    fails in the same process while a client is open. It keeps to the thread that
    started it, as pytest does."""

    playwright: ClassVar[Playwright | None] = None
    browsers: ClassVar[dict[str, Browser]] = {}
    clients: ClassVar[int] = 0

    @classmethod
    def acquire(cls, binary: str, timeout: float) -> Browser:
        cls.clients += 1
        try:
            return cls._browser(binary, timeout)
        except BaseException:
            cls.release()
            raise

    @classmethod
    def release(cls) -> None:
        cls.clients -= 1
        if cls.clients == 0:
            cls.stop()

    @classmethod
    def _browser(cls, binary: str, timeout: float) -> Browser:
        browser = cls.browsers.get(binary)
        if browser is not None and browser.is_connected():
            return browser
        if cls.playwright is None:
            cls.playwright = sync_playwright().start()
        browser = cls.playwright.chromium.launch(
            executable_path=binary,
            args=FLAGS,
            chromium_sandbox=False,
            headless=True,
            timeout=timeout * 1000,
        )
        cls.browsers[binary] = browser
        return browser

    @classmethod
    def stop(cls) -> None:
        try:
            for browser in cls.browsers.values():
                if browser.is_connected():
                    browser.close()
        finally:
            cls.browsers.clear()
            if cls.playwright is not None:
                cls.playwright.stop()
                cls.playwright = None


class Chromium:
    """A fresh browser context (its own profile) with one page in headless Chromium,
    closed on exit. Clients open at the same time share one Chromium process."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        browser = _Session.acquire(binary, timeout)
        try:
            self.context = browser.new_context(
                viewport=VIEWPORT, locale="nl-NL", service_workers="block"
            )
            self.context.set_default_timeout(timeout * 1000)
            # A request that would leave the machine is recorded (page.on("request")
            # fires first) and then refused, so no test waits on, or talks to, a network.
            self.context.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
            self.page = self.context.new_page()
        except BaseException:
            _Session.release()
            raise
        self.closed = False
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", self._failed)
        self.page.on("crash", lambda _: self.errors.append("page crashed"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} ({message.location.get('url')})")

    def _failed(self, request: Request) -> None:
        self.errors.append(f"failed to load: {request.url[:120]} ({request.failure})")

    def open(self, url: str) -> PageReport:
        """Load `url`, then report errors, images, headings and tables, and a screenshot."""
        self.errors.clear()
        self.requests.clear()
        self.page.goto(url, wait_until="load")
        facts = self.page.evaluate(PAGE_FACTS)
        shot = self.page.screenshot(type="png")
        return PageReport(
            url,
            facts["images"],
            facts["headings"],
            facts["tables"],
            facts["text"],
            facts["lang"],
            list(self.errors),
            shot,
            outside_requests(self.requests),
        )

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the open page (promises awaited)."""
        return self.page.evaluate(expression)

    def set_viewport(self, width: int, height: int) -> None:
        """Resize the page's viewport (CSS pixels), e.g. to a phone's width."""
        self.page.set_viewport_size({"width": width, "height": height})

    def axe(self, source: str) -> list[dict]:
        """axe-core's violations in the open page: id, impact, help, first targets, count."""
        self.page.evaluate(source)
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            raise RuntimeError("axe-core did not load in the page")
        return self.page.evaluate(AXE_RUN)

    def pdf(self) -> bytes:
        """The open page printed to A4 by Chromium (backgrounds, the page's own @page size)."""
        return self.page.pdf(format="A4", print_background=True, prefer_css_page_size=True)

    def printed_pages(self) -> int:
        """How many A4 pages the open page prints to (Chromium's own PDF)."""
        return pdf_page_count(self.pdf())

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.context.close()
        finally:
            _Session.release()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


INSIDE_SCHEMES = ("file:", "data:", "blob:", "about:")


def outside_requests(urls: list[str]) -> list[str]:
    """The requests that leave the site: anything but the site's own files (file:) and
    inline data. A page that makes one breaks offline and tells a third party who reads it."""
    return [url for url in urls if not url.startswith(INSIDE_SCHEMES)]


def pdf_page_count(pdf: bytes) -> int:
    """The page count in the root /Pages node of a PDF as Chromium (Skia) writes it."""
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    if not counts:
        raise RuntimeError("no page count in Chromium's PDF")
    return max(counts)


def chromium_or_skip() -> str:
    """The chromium binary; a skip outside CI, a failure under CI=true, when absent."""
    binary = find_chromium()
    if binary is None:
        _missing(
            "headless Chromium not found (Debian: apt-get install -y chromium; "
            "`make test` installs it when run as root)"
        )
    return binary


def _missing(message: str) -> NoReturn:
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(message + " (required when CI=true)")
    pytest.skip(message)


def axe_source_or_skip() -> str:
    """axe-core's browser script; installed from tests/axe/package-lock.json with `npm ci`
    when missing. A skip outside CI, a failure under CI=true, when it cannot be had."""
    if not AXE_SCRIPT.is_file():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm not found: axe-core for the accessibility test cannot be installed")
        subprocess.run(
            [npm, "ci", "--prefix", str(AXE_DIR), "--ignore-scripts", "--no-audit", "--no-fund"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
    if not AXE_SCRIPT.is_file():
        _missing(f"axe-core not installed: `npm ci --prefix {AXE_DIR}` failed")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def severe(violations: list[dict]) -> list[dict]:
    """The violations axe-core rates serious or critical."""
    return [v for v in violations if v.get("impact") in SEVERE]
