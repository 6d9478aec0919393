"""Check a built site's links without a network: every internal link and anchor must resolve.

A reader of the offline edition has only the files in the site folder, so every ``href``
or ``src`` that points inside the site must name a file there, and every ``#anchor`` must
be an ``id`` (or ``<a name>``) in the page it points to. Links to other hosts are listed,
never fetched: the course must not contact anyone while it is checked or read.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs whose value the browser loads or follows.
LINK_ATTRIBUTES = {
    ("a", "href"), ("area", "href"), ("link", "href"),
    ("img", "src"), ("script", "src"), ("iframe", "src"), ("embed", "src"),
    ("source", "src"), ("audio", "src"), ("video", "src"), ("track", "src"),
    ("video", "poster"), ("object", "data"), ("form", "action"),
}
# Schemes that name no file and no other host to list.
IGNORED_SCHEMES = {"data", "javascript", "about", "blob"}
# Folders of theme assets: HTML fragments there are templates, not pages.
ASSET_FOLDERS = {"_static"}
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)


@dataclass(frozen=True)
class Link:
    """One link found in a page: where it is and what it says."""

    page: str  # the page, relative to the site folder, with "/" separators
    tag: str
    attribute: str
    url: str


@dataclass(frozen=True)
class BrokenLink:
    link: Link
    reason: str

    def __str__(self) -> str:
        return f"{self.link.page}: <{self.link.tag} {self.link.attribute}={self.link.url!r}>: {self.reason}"


@dataclass
class SiteReport:
    pages: list[str] = field(default_factory=list)
    internal: int = 0  # internal links checked
    broken: list[BrokenLink] = field(default_factory=list)
    external: dict[str, list[str]] = field(default_factory=dict)  # URL -> pages that link to it

    @property
    def ok(self) -> bool:
        return not self.broken


class _PageParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.ids: set[str] = set()
        self.links: list[Link] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for attribute, value in attrs.items():
            if (tag, attribute) in LINK_ATTRIBUTES and value is not None:
                self.links.append(Link(self.page, tag, attribute, value.strip()))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH_URL.search(attrs.get("content") or "")
            if match:  # index.html's redirect to the first page
                self.links.append(Link(self.page, "meta", "refresh", match.group(1).strip()))

    handle_startendtag = handle_starttag


def parse_page(html: str, page: str = "<page>") -> tuple[set[str], list[Link]]:
    """The anchors (ids and ``<a name>``) a page defines and the links it contains."""
    parser = _PageParser(page)
    parser.feed(html)
    parser.close()
    return parser.ids, parser.links


def is_external(url: str) -> bool:
    """True for a link to another host (``https://...``, ``//host/...``, ``mailto:...``)."""
    parts = urlsplit(url)
    return bool(parts.netloc) or (bool(parts.scheme) and parts.scheme.lower() not in IGNORED_SCHEMES)


def resolve(page: str, url: str) -> tuple[str | None, str]:
    """The site-relative file a link in ``page`` points to, and its fragment.

    Returns ``(None, fragment)`` when the link leaves the site folder (``../../x``) and
    ``(page, fragment)`` for a link to an anchor in the same page. A link to a folder
    points to its ``index.html``; a path starting with "/" is taken from the site folder.
    """
    if is_external(url):
        raise ValueError(f"{url!r} points to another host; resolve() takes links inside the site only")
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    base = "" if path.startswith("/") else posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if target == ".." or target.startswith("../"):
        return None, unquote(parts.fragment)
    if path.endswith("/") or target == ".":
        target = posixpath.join("" if target == "." else target, "index.html")
    return target, unquote(parts.fragment)


def site_pages(site_dir: str | Path) -> list[str]:
    """Every HTML page of a built site, relative to it, sorted (theme templates left out)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise ValueError(f"{site_dir} is not a built site: it has no index.html")
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")
                  if not ASSET_FOLDERS & set(p.relative_to(site_dir).parts[:-1]))


def check_site(site_dir: str | Path) -> SiteReport:
    """Check every internal link and anchor of every page; list the external links."""
    site_dir = Path(site_dir)
    report = SiteReport(pages=site_pages(site_dir))
    anchors: dict[str, set[str]] = {}
    links: list[Link] = []
    for page in report.pages:
        ids, page_links = parse_page((site_dir / page).read_text(encoding="utf-8"), page)
        anchors[page] = ids
        links.extend(page_links)

    def anchors_of(target: str) -> set[str]:
        if target not in anchors:  # an HTML file no page list holds, e.g. under _static
            anchors[target] = parse_page((site_dir / target).read_text(encoding="utf-8"), target)[0]
        return anchors[target]

    for link in links:
        if is_external(link.url):
            report.external.setdefault(link.url, [])
            if link.page not in report.external[link.url]:
                report.external[link.url].append(link.page)
            continue
        if urlsplit(link.url).scheme:  # data:, javascript: and the like
            continue
        report.internal += 1
        target, fragment = resolve(link.page, link.url)
        if urlsplit(link.url).path.startswith("/"):
            report.broken.append(BrokenLink(link, "absolute path: it breaks when the site is opened from files"))
        elif target is None:
            report.broken.append(BrokenLink(link, "points outside the site folder"))
        elif not (site_dir / target).is_file():
            report.broken.append(BrokenLink(link, f"no file {target}"))
        elif fragment and target.endswith(".html") and fragment not in anchors_of(target):
            report.broken.append(BrokenLink(link, f"no anchor #{fragment} in {target}"))
    return report


def write_external_report(report: SiteReport, path: str | Path) -> Path:
    """A text file listing each external link once, with the pages that link to it."""
    path = Path(path)
    lines = [f"# {len(report.external)} external link(s) in {len(report.pages)} page(s); "
             "listed, not fetched.", "# URL<TAB>pages"]
    lines += [f"{url}\t{', '.join(pages)}" for url, pages in sorted(report.external.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
