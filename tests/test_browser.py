"""The built site in a real browser (Debian's Chromium, driven by Playwright).

A course about surveillance must not watch its readers, and it must reach people with no
network. So every page is opened from a local server and from files, and the browser may
ask no other host for anything; axe-core checks every page against WCAG 2.1 A and AA;
search, the solution dropdowns and the notebook downloads are used as a reader uses them;
and the offline zip is unpacked and read with every request beyond its files refused.

One browser serves the whole session. Screenshots and the list of external links are
written beside the build (``<build>/_build/screenshots``, ``<build>/_build/external-links.txt``).
"""
from __future__ import annotations

import base64
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from conftest import AXE, CHROMIUM, NOTEBOOKS, ROOT, serve  # noqa: F401 (CHROMIUM: for others)
from underwatch import bundle as offline, editions, sitecheck

from conftest import group  # noqa: E402

pytestmark = group("browser")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Requests that never leave the browser.
NO_NETWORK_SCHEMES = ("data:", "blob:", "about:")
# A search a reader might make, and the lesson it must find.
SEARCH_TERM, SEARCH_LESSON = "differencing", "book/cameras/02-seeing-motion.html"
SOLUTION_PAGE = "notebooks/00-getting-started.html"
SCREENSHOT_PAGES = {"front": "book/index.html", "lesson": "book/cameras/02-seeing-motion.html",
                    "lab": "notebooks/00-getting-started.html", "how-to-use": "book/how-to-use.html",
                    # long inline code (skimage's cascade file name) must wrap on a phone
                    "long-code": "notebooks/03-face-matching.html"}
# Alt text that says nothing about the picture.
GENERIC_ALT = {"image", "figure", "picture", "photo", "graph", "chart", "plot", "png", "output", "img", "icon"}
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.I)

# Facts about the loaded page, read once MathJax has finished typesetting.
PAGE_FACTS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const maths = Array.from(document.querySelectorAll("span.math, div.math"));
  return {
    headings: Array.from(article.querySelectorAll("h1, h2, h3, h4, h5, h6"))
      .map(h => [Number(h.tagName[1]), h.textContent.replace(/#$/, "").trim()]),
    images: Array.from(document.images).map(i => [i.getAttribute("src"), i.getAttribute("alt"),
                                                  i.complete && i.naturalWidth > 0]),
    math: maths.length,
    unrendered: maths.filter(m => !m.querySelector("mjx-container")).length,
    text: article.innerText.trim().length,
  };
}"""
# Open every dropdown (solutions, hints) so axe checks what they hide too, and stop CSS
# transitions, so axe measures the colours a reader sees, not a fade between modes.
PREPARE_FOR_AXE = """async () => {
  const still = document.createElement("style");
  still.textContent = "*, *::before, *::after { transition: none !important; animation: none !important; }";
  document.head.appendChild(still);
  document.querySelectorAll(".toggle-button.toggle-button-hidden, details:not([open]) > summary").forEach(b => b.click());
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""
SETTLE = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# What the reader can see: the elements laid out and not hidden. The dark theme must change
# only colours, so that the dark pass needs only axe's colour rules (each axe.run costs ~0.2 s).
RENDERED = """() => {
  const all = Array.from(document.querySelectorAll("body *"));
  const shown = all.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden");
  return shown.length + " of " + all.length + " elements shown";
}"""
COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # the WCAG 2.1 A/AA rules that read colours
RUN_AXE = """async (only) => {
  const result = await axe.run(document, {runOnly: only, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + "  " + n.html.slice(0, 160))}));
}"""


# ---------------------------------------------------------------- browser and servers

@pytest.fixture(scope="module")
def site(html_build) -> Path:
    return html_build[0]


@pytest.fixture(scope="module")
def server(site):
    """The site on 127.0.0.1, on a free port; yields its base URL."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def out_dir(site) -> Path:
    """Where reports and screenshots go: beside the built site."""
    return site.parent


class Recorder:
    """Watches one browser context: every request, and every request refused.

    Only ``allowed`` URLs go through; anything else is recorded and aborted, so a page that
    reaches for another host fails cleanly here instead of waiting on the network.
    """

    def __init__(self, context, allowed_prefix: str):
        self.allowed_prefix = allowed_prefix
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self._response)
        context.route("**/*", self._route)

    def local(self, url: str) -> bool:
        return url.startswith(self.allowed_prefix) or url.startswith(NO_NETWORK_SCHEMES)

    def _route(self, route):
        if self.local(route.request.url):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def watch(self, page):
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        return page

    @property
    def other_hosts(self) -> list[str]:
        return [url for url in self.requests if not self.local(url)]


@dataclass
class Visit:
    page: str
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    violations: dict[str, list[dict]] = field(default_factory=dict)  # colour scheme -> axe violations
    rendered: dict[str, str] = field(default_factory=dict)  # colour scheme -> what is shown (RENDERED)


def redirect_target(site: Path, page: str) -> str | None:
    """The page a ``<meta http-equiv=refresh>`` page sends the reader to, if it is one."""
    _, links = sitecheck.parse_page((site / page).read_text(encoding="utf-8"), page)
    for link in links:
        if link.tag == "meta":
            return sitecheck.resolve(page, link.url)[0]
    return None


def visit_pages(context, recorder: Recorder, base: str, site: Path, *, axe: bool) -> dict[str, Visit]:
    """Open every page of the site in one tab, in order, and read its facts.

    With ``axe``, run axe-core on each page as a reader whose system asks for light colours
    sees it (every WCAG 2.1 A and AA rule), then for dark ones (the theme follows the system's
    choice): the colour rules, once `colours_only_change` has checked that the dark theme
    shows and hides the same elements.
    """
    if axe:  # in every page as it loads: ~0.03 s a page, against ~0.15 s for a script tag added after (measured)
        context.add_init_script(path=str(AXE))
    tab = recorder.watch(context.new_page())
    tab.set_default_timeout(20_000)
    visits = {}
    for page in sitecheck.site_pages(site):
        visit = visits[page] = Visit(page)
        errors_before, failed_before = len(recorder.errors), len(recorder.failed)
        target = redirect_target(site, page)
        tab.emulate_media(color_scheme="light")
        tab.goto(base + page, wait_until="load")
        if target:  # index.html: the redirect must land on the first page
            tab.wait_for_url(base + target)
            visit.facts = {"redirect": tab.url[len(base):]}
        else:
            visit.facts = tab.evaluate(PAGE_FACTS)
            if axe:
                tab.evaluate(PREPARE_FOR_AXE)
                for scheme in ("light", "dark"):
                    tab.emulate_media(color_scheme=scheme)
                    tab.wait_for_function("mode => document.documentElement.dataset.theme === mode", arg=scheme)
                    tab.evaluate(SETTLE)
                    visit.rendered[scheme] = tab.evaluate(RENDERED)
                    only = {"type": "tag", "values": WCAG_TAGS} if scheme == "light" else {"type": "rule", "values": COLOUR_RULES}
                    visit.violations[scheme] = tab.evaluate(RUN_AXE, only)
        visit.errors = recorder.errors[errors_before:]
        visit.failed = recorder.failed[failed_before:]
    tab.close()
    return visits


@pytest.fixture(scope="module")
def served(browser, server, site):
    """Every page opened from the local server, with axe run on each in both colour modes."""
    context = browser.new_context(viewport=DESKTOP)
    recorder = Recorder(context, server)
    visits = visit_pages(context, recorder, server, site, axe=True)
    context.close()
    return visits, recorder


def colours_only_change(visits: dict[str, Visit]) -> dict[str, dict[str, str]]:
    """Pages whose dark theme shows or hides other elements than the light one (none may:
    the dark pass checks colours only)."""
    return {page: v.rendered for page, v in visits.items() if len(set(v.rendered.values())) > 1}


def problems(visits: dict[str, Visit], attribute: str) -> dict[str, list]:
    return {page: getattr(v, attribute) for page, v in visits.items() if getattr(v, attribute)}


# ---------------------------------------------------------------- 1. offline and private

def test_every_page_served_locally_has_no_errors(served, site):
    visits, _ = served
    assert len(visits) == len(sitecheck.site_pages(site)) >= 10
    assert problems(visits, "errors") == {}
    assert problems(visits, "failed") == {}
    assert visits["index.html"].facts == {"redirect": "book/index.html"}


def test_no_page_contacts_another_host(served):
    visits, recorder = served
    assert len(recorder.requests) > len(visits), "the recorder saw no requests: it is not watching"
    assert recorder.other_hosts == [], f"{len(recorder.other_hosts)} request(s) to other hosts"
    assert recorder.refused == []


# ---------------------------------------------------------------- 2-4. search, solutions, downloads

def test_search_finds_a_lesson(browser, server, site):
    assert SEARCH_TERM in (site / SEARCH_LESSON).read_text(encoding="utf-8").lower(), \
        f"{SEARCH_LESSON} no longer mentions {SEARCH_TERM!r}: choose another search term"
    context = browser.new_context(viewport=DESKTOP)
    recorder = Recorder(context, server)
    page = recorder.watch(context.new_page())
    page.goto(server + "book/index.html")
    page.locator(".search-button__button:visible").first.click()
    box = page.locator("input[name=q]:visible")
    box.fill(SEARCH_TERM)
    box.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_selector("#search-results .search-summary")
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    context.close()
    assert SEARCH_LESSON in [href.split("#")[0] for href in found], found
    assert recorder.errors == [] and recorder.other_hosts == []


def test_one_search_box_on_every_screen(browser, server):
    """The theme's header repeats the sidebar's search field on wide screens; one is kept."""
    seen = {}
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, is_mobile=size_name == "phone")
        page = context.new_page()
        page.goto(server + "book/how-to-use.html")
        seen[size_name] = page.locator(".search-button__button:visible").count()
        context.close()
    assert seen == {"desktop": 1, "phone": 1}


def test_solution_dropdown_opens_on_click(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    recorder = Recorder(context, server)
    page = recorder.watch(context.new_page())
    page.goto(server + SOLUTION_PAGE)
    solution = page.locator(".solution.dropdown").first
    content = solution.locator("section").first
    button = solution.locator(".toggle-button")
    assert content.is_hidden(), "the solution shows before it is asked for"
    assert button.get_attribute("aria-expanded") == "false"
    solution.locator(".admonition-title").click()
    content.wait_for(state="visible")
    assert button.get_attribute("aria-expanded") == "true"
    assert content.inner_text().strip()
    context.close()
    assert recorder.errors == []


def lab_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "notebooks").glob("*.html"))


def test_lab_download_is_a_notebook_with_its_figures(browser, server, site):
    labs = lab_pages(site)
    assert len(labs) >= 1
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    recorder = Recorder(context, server)
    page = recorder.watch(context.new_page())
    report = {}
    for lab in labs:
        page.goto(server + lab)
        # A reader's path: the download menu, then the .ipynb entry.
        page.locator(".dropdown-download-buttons > button").click()
        with page.expect_download() as download_info:
            page.locator("a.btn-download-notebook-button").click()
        download = download_info.value
        assert download.failure() is None
        assert download.suggested_filename == Path(lab).stem + ".ipynb"
        nb = nbformat.read(download.path(), as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["survlab"]["edition"] == "student"
        pngs = [output["data"]["image/png"] for cell in nb.cells if cell.cell_type == "code"
                for output in cell.outputs if "image/png" in output.get("data", {})]
        for png in pngs:
            assert base64.b64decode(png).startswith(b"\x89PNG\r\n\x1a\n")
        figures = page.locator(".cell_output img").count() - page.locator(".solution .cell_output img").count()
        report[lab] = (len(pngs), figures)
    context.close()
    assert recorder.errors == [] and recorder.other_hosts == []
    assert {lab: counts for lab, counts in report.items() if counts[0] != counts[1]} == {}, \
        "(figures in the downloaded notebook, figures on the page) differ"
    assert sum(pngs for pngs, _ in report.values()) >= 1


@pytest.fixture(scope="module")
def published_server(published_site):
    """The site as `make book` publishes it (the PDF at its root), on 127.0.0.1."""
    with serve(published_site) as url:
        yield url


def check_downloaded_file(name: str, path: Path) -> str:
    """What a downloaded file is, after checking it is what its name promises."""
    data = path.read_bytes()
    if name.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            names = zf.namelist()
        assert "survlab/__init__.py" in names and "survlab/checks.py" in names, names[:10]
        assert any(n.endswith(".dist-info/METADATA") for n in names)
        return "wheel"
    if name.endswith(".txt"):
        pins = [line for line in data.decode().splitlines() if line and not line.startswith("#")]
        assert pins and all("==" in line for line in pins)
        return "requirements"
    if name.endswith(".pdf"):
        assert data[:5] == b"%PDF-"
        return "pdf"
    assert name.endswith(".zip"), name
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        notebooks = [n for n in zf.namelist() if n.endswith(".ipynb")]
        assert notebooks, f"{name} holds no notebook"
        for member in notebooks:
            nb = nbformat.reads(zf.read(member).decode("utf-8"), as_version=4)
            nbformat.validate(nb)
            assert nb.metadata["survlab"]["edition"] == "student"
        if "labkit" in name:
            assert any(n.endswith(("/install.sh", "/install.bat")) for n in zf.namelist())
            return "kit"
    return "notebooks"


def test_download_links_give_valid_files(browser, published_server, tmp_path):
    """A reader's path: How to use, its downloads list, each link clicked; every file checked."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    recorder = Recorder(context, published_server)
    page = recorder.watch(context.new_page())
    page.goto(published_server + "book/index.html")
    page.locator("article a[href*='how-to-use.html#downloads']").first.click()
    page.wait_for_url("**/how-to-use.html#downloads")
    links = page.locator("ul.underwatch-downloads a")
    kinds = []
    for index in range(links.count()):
        link = links.nth(index)
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.failure() is None
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.name == Path(link.get_attribute("href")).name
        kinds.append(check_downloaded_file(target.name, target))
    context.close()
    assert recorder.errors == [] and recorder.other_hosts == [] and recorder.failed == []
    assert {"wheel", "requirements", "notebooks", "pdf"} <= set(kinds), kinds


# ---------------------------------------------------------------- 5. accessibility

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag21_aa_violations(served, scheme):
    visits, _ = served
    checked = [page for page, visit in visits.items() if scheme in visit.violations]
    assert len(checked) == len(visits) - 1  # all but the redirect
    assert colours_only_change(visits) == {}, "the dark theme changes more than colours: run every rule in it"
    found = {page: [f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes'][:3]}" for v in visit.violations[scheme]]
             for page, visit in visits.items() if visit.violations.get(scheme)}
    assert found == {}


def meaningless_alt(src: str, alt: str | None) -> bool:
    text = (alt or "").strip()
    return (len(text.split()) < 3 or text.lower() in GENERIC_ALT or bool(IMAGE_FILE.search(text))
            or Path(src or "").name in text)


def test_every_image_has_meaningful_alt_text(served):
    visits, _ = served
    bad = {}
    for page, visit in visits.items():
        for src, alt, _ in visit.facts.get("images", []):
            if meaningless_alt(src, alt):
                bad.setdefault(page, []).append(f"{src}: alt={alt!r}")
    assert bad == {}


def test_headings_do_not_skip_levels(served):
    visits, _ = served
    bad = {}
    for page, visit in visits.items():
        headings = visit.facts.get("headings")
        if headings is None:
            continue
        levels = [level for level, _ in headings]
        if not levels or levels[0] != 1 or levels.count(1) != 1:
            bad[page] = f"needs exactly one h1, first: {headings[:3]}"
            continue
        for (before, _), (level, text) in zip(headings, headings[1:]):
            if level > before + 1:
                bad[page] = f"h{before} then h{level} ({text!r})"
                break
    assert bad == {}


def test_the_checks_see_bad_pages(browser, server):
    """The accessibility checks above can fail: a page with known faults fails each of them."""
    assert meaningless_alt("_images/abc123.png", "_images/abc123.png")
    assert meaningless_alt("x.png", "Figure")
    assert not meaningless_alt("x.png", "A bar chart of cameras per city")
    context = browser.new_context(viewport=DESKTOP)
    recorder = Recorder(context, server)
    page = recorder.watch(context.new_page())
    page.goto(server + "book/index.html")
    page.evaluate("""() => { const a = document.querySelector("article.bd-article");
      a.insertAdjacentHTML("beforeend", '<h4>Skipped</h4><p style="color:#bbb">faint</p><img src="x.png">'); }""")
    page.add_script_tag(path=str(AXE))
    ids = {v["id"] for v in page.evaluate(RUN_AXE, {"type": "tag", "values": WCAG_TAGS})}
    colour_ids = {v["id"] for v in page.evaluate(RUN_AXE, {"type": "rule", "values": COLOUR_RULES})}
    facts = page.evaluate(PAGE_FACTS)
    # A theme that hid an element would show in RENDERED, and colours_only_change would name the page.
    shown = page.evaluate(RENDERED)
    page.evaluate("() => { document.querySelector('article.bd-article h4').style.display = 'none'; }")
    visit = Visit("book/index.html", rendered={"light": shown, "dark": page.evaluate(RENDERED)})
    context.close()
    assert {"color-contrast", "image-alt"} <= ids
    assert colour_ids == {"color-contrast"}  # the dark pass sees the faint text, not the missing alt
    assert [level for level, _ in facts["headings"]][-1] == 4
    assert colours_only_change({"book/index.html": visit}) == {"book/index.html": visit.rendered}


# ---------------------------------------------------------------- 6. screenshots

def test_screenshots_desktop_and_phone(browser, server, out_dir):
    shots = out_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    overflow = {}
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, color_scheme="light",
                                      device_scale_factor=1, is_mobile=size_name == "phone")
        recorder = Recorder(context, server)
        page = recorder.watch(context.new_page())
        for name, path in SCREENSHOT_PAGES.items():
            page.goto(server + path)
            page.evaluate(PAGE_FACTS)  # wait for MathJax
            file = shots / f"{name}-{size_name}.png"
            page.screenshot(path=file)
            assert file.stat().st_size > 10_000, f"{file} is nearly empty"
            width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if width > 0:
                overflow[f"{name}-{size_name}"] = width
        context.close()
        assert recorder.errors == []
    assert overflow == {}, "pages wider than the screen (pixels of sideways scrolling)"
    print(f"screenshots: {shots}")


# ---------------------------------------------------------------- 7-8. the offline bundle and the links

@pytest.fixture(scope="module")
def published_site(site, pdf_build, korean_html_build, korean_pdf_build, tmp_path_factory) -> Path:
    """The site as `make book` publishes it: the HTML with the PDF at its root, the Korean
    site in ko/ with its PDF."""
    published = tmp_path_factory.mktemp("published") / "html"
    ignore = shutil.ignore_patterns(".doctrees", ".buildinfo")
    shutil.copytree(site, published, ignore=ignore)
    shutil.copy2(pdf_build[0] / "under-watch.pdf", published / "under-watch.pdf")
    shutil.copytree(korean_html_build[0], published / "ko", ignore=ignore)
    shutil.copy2(korean_pdf_build[0] / "under-watch-ko.pdf", published / "ko" / "under-watch-ko.pdf")
    return published


def test_internal_links_and_anchors_resolve(published_site, out_dir):
    report = sitecheck.check_site(published_site)
    listing = sitecheck.write_external_report(report, out_dir / "external-links.txt")
    assert report.internal > 100
    assert [str(b) for b in report.broken] == []
    assert listing.read_text(encoding="utf-8").count("\n") == len(report.external) + 2
    print(f"{len(report.pages)} pages, {report.internal} internal links, "
          f"{len(report.external)} external links listed in {listing}")


@pytest.fixture(scope="module")
def bundle(published_site, pdf_build, korean_pdf_build, site, tmp_path_factory):
    work = tmp_path_factory.mktemp("bundle")
    editions.write_editions(NOTEBOOKS, work / "editions", site.parent / ".jupyter_cache")
    editions.write_editions(ROOT / "ko" / "notebooks", work / "editions" / "ko", language="ko")
    zip_path = offline.write_offline_bundle(published_site, pdf_build[0] / "under-watch.pdf",
                                             work / "editions" / "student", work / "under-watch-offline.zip",
                                             {"ko": (korean_pdf_build[0] / "under-watch-ko.pdf",
                                                     work / "editions" / "ko" / "student")})
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(work / "unzipped")
    return zip_path, work / "unzipped" / "under-watch"


def test_offline_bundle_holds_the_pdf_and_the_notebooks(bundle):
    zip_path, root = bundle
    assert (root / "under-watch.pdf").read_bytes()[:5] == b"%PDF-"
    assert (root / "site" / "under-watch.pdf").is_file(), "the site's link to the PDF would break"
    labs = editions.lab_sources(NOTEBOOKS)
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in notebooks] == sorted(path.stem for path in labs.values())
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["survlab"]["edition"] == "student"
    korean = sorted((root / "notebooks" / "ko").glob("*.ipynb"))
    assert [p.name for p in korean] == [p.name for p in notebooks]
    assert nbformat.read(korean[0], as_version=4).metadata["survlab"]["language"] == "ko"
    assert (root / "ko" / "under-watch-ko.pdf").read_bytes()[:5] == b"%PDF-"
    assert (root / "site" / "ko" / "book" / "index.html").is_file()
    print(f"offline bundle: {zip_path.stat().st_size / 1e6:.1f} MB, {len(notebooks)} notebooks, and in Korean")


@dataclass
class ReadFromFiles:
    visits: dict[str, Visit]  # every English page of the offline copy's site
    recorder: Recorder
    read: list[str]  # the pages reached by following "next" from the first, in order
    listed: set[str]  # the pages the sidebar lists
    found: list[str]  # what a search from files returned


@pytest.fixture(scope="module")
def from_files(browser, bundle, site) -> ReadFromFiles:
    """The offline copy read as its reader reads it, from file:// with the network refused:
    from the first page, "next" after "next"; then the pages no "next" reaches (search,
    index) opened directly; then a search. Each page's facts are read once, on the way."""
    _, root = bundle
    base = (root / "site").as_uri() + "/"
    context = browser.new_context(viewport=DESKTOP)
    recorder = Recorder(context, "file://")
    page = recorder.watch(context.new_page())
    page.set_default_timeout(20_000)
    visits: dict[str, Visit] = {}

    def record(name: str, facts: dict, errors_before: int, failed_before: int) -> None:
        visits[name] = Visit(name, recorder.errors[errors_before:], recorder.failed[failed_before:], facts)

    marks = len(recorder.errors), len(recorder.failed)
    page.goto(base + "index.html")
    page.wait_for_url(base + "book/index.html")
    record("index.html", {"redirect": page.url[len(base):]}, *marks)
    marks = len(recorder.errors), len(recorder.failed)
    # The sidebar lists every page of the course; following "next" from the first must read them all.
    listed = {sitecheck.resolve("book/index.html", href.split("#")[0])[0] for href in
              page.eval_on_selector_all(".bd-docs-nav a.reference.internal", "as => as.map(a => a.getAttribute('href'))")}
    listed.add("book/index.html")
    read = []
    while True:
        here = page.url[len(base):].split("#")[0]
        read.append(here)
        record(here, page.evaluate(PAGE_FACTS), *marks)
        marks = len(recorder.errors), len(recorder.failed)
        following = page.locator("a.right-next")
        if not following.count() or len(read) > 200:
            break
        following.first.click()
        page.wait_for_load_state("load")
    for name in sitecheck.site_pages(site):
        if name not in visits:
            marks = len(recorder.errors), len(recorder.failed)
            page.goto(base + name, wait_until="load")
            record(name, page.evaluate(PAGE_FACTS), *marks)
    page.goto(base + f"search.html?q={SEARCH_TERM}")
    page.wait_for_selector("#search-results .search-summary")
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    context.close()
    return ReadFromFiles(visits, recorder, read, listed, found)


def test_offline_bundle_reads_from_files_with_the_network_refused(from_files):
    """"Next" after "next" reads the whole course, and search works, from files. (That every
    page read shows its text, images and math is the next test's, on the same visit.)"""
    recorder = from_files.recorder
    assert sorted(from_files.read) == sorted(from_files.listed), "following 'next' misses or repeats pages of the sidebar"
    assert set(from_files.read) <= set(from_files.visits)
    assert SEARCH_LESSON in [href.split("#")[0] for href in from_files.found]
    assert recorder.errors == []
    assert recorder.other_hosts == [] and recorder.refused == []


def test_every_page_renders_from_files_math_included(from_files, site):
    visits, recorder = from_files.visits, from_files.recorder
    assert sorted(visits) == sorted(sitecheck.site_pages(site)), "the offline copy holds other pages than the site"
    assert problems(visits, "errors") == {}
    assert recorder.other_hosts == [] and recorder.refused == []
    pages = {page: v.facts for page, v in visits.items() if "redirect" not in v.facts}
    assert visits["index.html"].facts == {"redirect": "book/index.html"}
    blank = [page for page, facts in pages.items() if facts["text"] < 20 or not facts["headings"]]
    assert blank == [], "pages with no text or no heading"
    broken_images = {page: [src for src, _, loaded in facts["images"] if not loaded]
                     for page, facts in pages.items()}
    assert {page: srcs for page, srcs in broken_images.items() if srcs} == {}
    with_math = {page: facts["math"] for page, facts in pages.items() if facts["math"]}
    assert with_math, "no page has math: the MathJax check would prove nothing"
    assert {page: facts["unrendered"] for page, facts in pages.items() if facts["unrendered"]} == {}, \
        "math left untypeset (MathJax did not run offline)"
