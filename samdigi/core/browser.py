"""Playwright driving Debian's Chromium for browser tests (`playwright install` cannot download
browsers here). Under CI a missing Chromium fails the test instead of skipping it."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# axe-core comes from npm (package.json, `make` runs `npm ci`) and is injected by the tests only;
# the site never serves it.
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")


def _fail_or_skip(message: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit and os.path.exists(explicit):
        return explicit
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@contextmanager
def chromium_page(base_url: str):
    path = chromium_path()
    if not path:
        _fail_or_skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body are still synchronous and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=base_url, locale="da-DK")
        page = context.new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda msg: (
                page.csp_violations.append(msg.text)
                if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
                else None
            ),
        )
        try:
            yield page
        finally:
            context.close()
            browser.close()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def run_axe(page, impacts=AXE_FAILING_IMPACTS) -> list[str]:
    """axe-core's violations of the given impacts on the current page, one readable line each.

    The source is evaluated through the DevTools protocol rather than added as a script tag: the
    page's CSP refuses inline scripts (rightly), and evaluation from the driver is not subject to
    it, so the test neither weakens nor trips the CSP it checks elsewhere."""
    if not AXE_PATH.exists():
        _fail_or_skip(f"axe-core is not installed ({AXE_PATH}); run `npm ci`")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " | " + n.html.slice(0, 160)),
            }));
        }"""
    )
    return [
        f"{page.url}: [{v['impact']}] {v['id']} ({v['help']}): " + " ; ".join(v["nodes"])
        for v in violations
        if v["impact"] in impacts
    ]
