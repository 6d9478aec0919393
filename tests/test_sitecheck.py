"""Unit tests of underwatch.sitecheck on small hand-made sites (no build, no browser)."""
from __future__ import annotations

import pytest

from underwatch import sitecheck
from underwatch.__main__ import main


def make_site(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


GOOD = {
    "index.html": '<meta http-equiv="Refresh" content="0; url=book/intro.html" />',
    "book/intro.html": """<html><head><link rel="stylesheet" href="../_static/theme.css?v=1">
        <script src="../_static/app.js"></script></head><body>
        <h1 id="intro">Intro</h1><a name="old-anchor"></a>
        <a href="#intro">top</a> <a href="">here</a> <a href="#">nothing</a>
        <a href="lab.html#task-1">task</a> <a href="lab.html?x=1#task-1">task again</a>
        <a href="../book/">folder</a> <a href="intro.html#old-anchor">named anchor</a>
        <img src="../_images/fig%201.png" alt="a chart">
        <a href="https://example.org/a">ext</a> <a href="mailto:someone@example.org">mail</a>
        <a href="data:text/plain,hi">inline</a> <a href="javascript:void(0)">js</a>
        <a href="../under-watch.pdf#page=2">pdf</a>
        </body></html>""",
    "book/lab.html": '<section id="task-1"><a href="https://example.org/a">same ext</a></section>',
    "book/index.html": "<p>folder index</p>",
    "_static/theme.css": "",
    "_static/app.js": "",
    "_static/template.html": '<a href="{{ pathto }}">a template, not a page</a>',
    "_images/fig 1.png": "png",
    "under-watch.pdf": "%PDF",
}


def test_parse_page_finds_ids_names_links_and_redirects():
    ids, links = sitecheck.parse_page(
        '<meta http-equiv="refresh" content="0; URL=\'next.html\'">'
        '<div id="a"><a name="b" href="x.html#c">x</a><img src="i.png"/><p title="t">no link</p></div>',
        "p.html")
    assert ids == {"a", "b"}
    assert [(link.tag, link.attribute, link.url) for link in links] == [
        ("meta", "refresh", "next.html"), ("a", "href", "x.html#c"), ("img", "src", "i.png")]
    assert all(link.page == "p.html" for link in links)


@pytest.mark.parametrize("url, external", [
    ("https://example.org/x", True), ("http://example.org", True), ("//cdn.example.org/a.js", True),
    ("mailto:a@example.org", True), ("page.html", False), ("../a/b.html#c", False), ("#top", False),
    ("data:image/png;base64,AAAA", False), ("javascript:void(0)", False), ("/abs/path.html", False),
])
def test_is_external(url, external):
    assert sitecheck.is_external(url) is external


@pytest.mark.parametrize("page, url, expected", [
    ("book/a.html", "b.html", ("book/b.html", "")),
    ("book/a.html", "../c/d.html#sec-2", ("c/d.html", "sec-2")),
    ("book/a.html", "#here", ("book/a.html", "here")),
    ("book/a.html", "", ("book/a.html", "")),
    ("book/a.html", "b.html?v=3#x", ("book/b.html", "x")),
    ("book/a.html", "../", ("index.html", "")),
    ("book/a.html", "sub/", ("book/sub/index.html", "")),
    ("book/a.html", "fig%201.png", ("book/fig 1.png", "")),
    ("book/a.html", "../../outside.html", (None, "")),
    ("index.html", "/book/a.html", ("book/a.html", "")),
])
def test_resolve(page, url, expected):
    assert sitecheck.resolve(page, url) == expected


def test_resolve_refuses_external_links():
    with pytest.raises(ValueError, match="another host"):
        sitecheck.resolve("a.html", "https://example.org/")


def test_site_pages_leaves_out_theme_templates(tmp_path):
    site = make_site(tmp_path, GOOD)
    assert sitecheck.site_pages(site) == ["book/index.html", "book/intro.html", "book/lab.html", "index.html"]


def test_site_pages_needs_a_built_site(tmp_path):
    with pytest.raises(ValueError, match="no index.html"):
        sitecheck.site_pages(tmp_path)


def test_a_good_site_passes_and_lists_external_links_once(tmp_path):
    report = sitecheck.check_site(make_site(tmp_path, GOOD))
    assert report.ok, [str(b) for b in report.broken]
    assert report.pages == ["book/index.html", "book/intro.html", "book/lab.html", "index.html"]
    assert report.external == {"https://example.org/a": ["book/intro.html", "book/lab.html"],
                               "mailto:someone@example.org": ["book/intro.html"]}
    # 11 internal links in intro.html (data: and javascript: are not links to check), 1 redirect
    assert report.internal == 12


@pytest.mark.parametrize("page_text, reason", [
    ('<a href="missing.html">x</a>', "no file book/missing.html"),
    ('<a href="lab.html#task-9">x</a>', "no anchor #task-9 in book/lab.html"),
    ('<a href="#nowhere">x</a>', "no anchor #nowhere in book/broken.html"),
    ('<img src="../_images/none.png" alt="x">', "no file _images/none.png"),
    ('<script src="../_static/gone.js"></script>', "no file _static/gone.js"),
    ('<a href="../../../etc/passwd">x</a>', "outside the site folder"),
    ('<a href="/book/lab.html">x</a>', "absolute path"),
    ('<a href="../book/">x</a><a href="../nofolder/">y</a>', "no file nofolder/index.html"),
])
def test_each_kind_of_broken_link_is_found(tmp_path, page_text, reason):
    report = sitecheck.check_site(make_site(tmp_path, {**GOOD, "book/broken.html": page_text}))
    assert not report.ok
    assert len(report.broken) == 1
    assert report.broken[0].link.page == "book/broken.html"
    assert reason in report.broken[0].reason
    assert reason in str(report.broken[0])


def test_a_broken_redirect_is_found(tmp_path):
    site = make_site(tmp_path, {**GOOD, "index.html": '<meta http-equiv="Refresh" content="0; url=book/gone.html">'})
    [broken] = sitecheck.check_site(site).broken
    assert (broken.link.tag, broken.reason) == ("meta", "no file book/gone.html")


def test_write_external_report(tmp_path):
    report = sitecheck.check_site(make_site(tmp_path / "site", GOOD))
    path = sitecheck.write_external_report(report, tmp_path / "external-links.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# 2 external link(s) in 4 page(s)")
    assert lines[2:] == ["https://example.org/a\tbook/intro.html, book/lab.html",
                         "mailto:someone@example.org\tbook/intro.html"]


def test_links_command(tmp_path, capsys):
    site = make_site(tmp_path / "site", GOOD)
    assert main(["links", str(site)]) == 0
    assert "0 broken" in capsys.readouterr().out
    assert "https://example.org/a" in (tmp_path / "external-links.txt").read_text(encoding="utf-8")
    (site / "book" / "bad.html").write_text('<a href="nope.html">x</a>', encoding="utf-8")
    assert main(["links", str(site), "--external", str(tmp_path / "ext.txt")]) == 1
    out = capsys.readouterr().out
    assert "book/bad.html: <a href='nope.html'>: no file book/nope.html" in out
    assert (tmp_path / "ext.txt").is_file()


def test_links_command_rejects_a_folder_that_is_not_a_site(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["links", str(tmp_path)])
    assert exit_info.value.code == 2
