"""Walking the site the way a person does: from the front page, through the navigation only.

Used by the navigation tests (core's generic crawl, the per-persona crawls in the apps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

NAV_CLASSES = ("main-nav", "section-nav")


@dataclass
class NavLink:
    href: str
    text: str
    current: str  # the aria-current value, "" when absent
    nav: str = ""  # which navigation it is in: "main-nav" or "section-nav"


class _NavParser(HTMLParser):
    """The links inside the main navigation and the section tabs."""

    def __init__(self):
        super().__init__()
        self.links: list[NavLink] = []
        self._nav_depth = 0  # >0 while inside one of the navigation elements
        self._nav = ""
        self._open: NavLink | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav":
            classes = (attributes.get("class") or "").split()
            named = [name for name in NAV_CLASSES if name in classes]
            if self._nav_depth or named:
                self._nav = self._nav or named[0]
                self._nav_depth += 1
        elif tag == "a" and self._nav_depth and attributes.get("href"):
            current = attributes.get("aria-current") or ""
            self._open = NavLink(attributes["href"], "", current, self._nav)

    def handle_data(self, data):
        if self._open is not None:
            self._open.text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self._open.text = " ".join(self._open.text.split())
            self.links.append(self._open)
            self._open = None
        elif tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
            if not self._nav_depth:
                self._nav = ""


def nav_links(html: str) -> list[NavLink]:
    parser = _NavParser()
    parser.feed(html)
    return parser.links


@dataclass
class CrawlResult:
    statuses: dict[str, int] = field(default_factory=dict)
    # path → the navigation links on that page
    links: dict[str, list[NavLink]] = field(default_factory=dict)

    @property
    def reached(self) -> set[str]:
        return set(self.statuses)


def crawl(client, start: str = "/", limit: int = 200) -> CrawlResult:
    """Every page reachable from `start` by following navigation links (same site only)."""
    result = CrawlResult()
    queue = [start]
    while queue and len(result.statuses) < limit:
        path = queue.pop(0)
        if path in result.statuses:
            continue
        response = client.get(path)
        result.statuses[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        links = nav_links(response.content.decode())
        result.links[path] = links
        for link in links:
            target = urlsplit(link.href)
            if target.netloc or not target.path.startswith("/"):
                continue
            following = target.path + (f"?{target.query}" if target.query else "")
            if following not in result.statuses and following not in queue:
                queue.append(following)
    return result
