"""Headless Chromium driven over the Chrome DevTools Protocol, for the report tests.

The test starts Debian's `chromium` itself (fresh profile, no network services),
opens a page, collects every script exception, console error and failed resource,
checks the images and headings in the page, and takes a screenshot. `Chromium.axe`
runs axe-core (npm, pinned in tests/axe/package-lock.json, installed on first use by
`axe_source_or_skip` into the gitignored tests/axe/node_modules) in the open page.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

AXE_DIR = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA plus axe's best practices (landmarks, region, heading order, ...).
AXE_RUN = """axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                  'best-practice']},
  resultTypes: ['violations']
}).then(r => JSON.stringify(r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}))))"""
SEVERE = ("serious", "critical")

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    "--window-size=1280,1600",
]

PAGE_FACTS = """JSON.stringify({
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


class Chromium:
    """One headless Chromium process with one page, closed on exit."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="wijkmonitor-chromium-"))
        self.timeout = timeout
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        self.socket = websocket.create_connection(self._page_socket(), timeout=timeout)

    def _page_socket(self) -> str:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            if time.monotonic() > deadline:
                raise RuntimeError("chromium has no page target")
            time.sleep(0.1)

    def send(self, method: str, **params) -> dict:
        """Send one command and wait for its answer; events seen meanwhile are kept."""
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {self.timeout} s")
            self.events.append(json.loads(self.socket.recv()))

    def open(self, url: str) -> PageReport:
        """Load `url`, then report errors, images, headings and tables, and a screenshot."""
        self.events.clear()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        facts = json.loads(
            self.send("Runtime.evaluate", expression=PAGE_FACTS, returnByValue=True)["result"][
                "value"
            ]
        )
        shot = self.send("Page.captureScreenshot", format="png")["data"]
        return PageReport(
            url,
            facts["images"],
            facts["headings"],
            facts["tables"],
            facts["text"],
            facts["lang"],
            self._errors(),
            base64.b64decode(shot),
        )

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the open page (promises awaited)."""
        result = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    def set_viewport(self, width: int, height: int) -> None:
        """Lay the page out as in a browser window of width × height CSS pixels."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def axe(self, source: str) -> list[dict]:
        """axe-core's violations in the open page: id, impact, help, first targets, count."""
        self.send("Runtime.evaluate", expression=source)
        result = self.send(
            "Runtime.evaluate", expression=AXE_RUN, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"axe-core failed: {result['exceptionDetails']}")
        return json.loads(result["result"]["value"])

    def printed_pages(self) -> int:
        """How many A4 pages the open page prints to (Chromium's own PDF)."""
        pdf = base64.b64decode(
            self.send(
                "Page.printToPDF",
                paperWidth=8.27,
                paperHeight=11.69,
                printBackground=True,
                preferCSSPageSize=True,
            )["data"]
        )
        counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
        counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
        if not counts:
            raise RuntimeError("no page count in Chromium's PDF")
        return max(counts)

    def _errors(self) -> list[str]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                errors.append(f"script error: {details.get('exception', details)}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(f"console error: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                errors.append(f"log error: {params['entry'].get('text')}")
            elif method == "Network.loadingFailed":
                errors.append(f"failed to load: {params.get('errorText')}")
        return errors

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def chromium_or_skip() -> str:
    """The chromium binary; a skip outside CI, a failure under CI=true, when absent."""
    import pytest

    binary = find_chromium()
    if binary is None:
        message = (
            "headless Chromium not found (Debian: apt-get install -y chromium; "
            "`make test` installs it when run as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return binary


def _missing(message: str) -> None:
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
