"""The Korean edition's sources: each translated page keeps its English page's code, labels,
references and glossary links; its record says which English text it was made from; the
status page tells translated, out-of-date and missing pages apart; the library's Korean
catalogs cover every text it shows."""
from __future__ import annotations

import ast
import json
import re
import shutil
import string
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, builds_the_book
from underwatch import translated_book, translations

KO = ROOT / "ko"
KO_PAGES = sorted(p.relative_to(KO).as_posix() for top in ("book", "notebooks") for p in (KO / top).rglob("*.md"))
TERMS = translations.read_terms("ko")
UNITS = translations.read_glue_units("ko")


def _toc_files(path: Path) -> list[str]:
    return re.findall(r"file:\s*(\S+)", path.read_text(encoding="utf-8"))


def test_the_korean_reading_order_is_the_english_one_plus_the_status_page():
    english, korean = _toc_files(ROOT / "_toc.yml"), _toc_files(KO / "_toc.yml")
    assert [f for f in korean if f + ".md" != translated_book.STATUS_PAGE] == english
    assert translated_book.STATUS_PAGE[:-3] in korean
    assert yaml.safe_load((KO / "_toc.yml").read_text(encoding="utf-8"))["root"] == "book/index"


def test_every_korean_page_translates_a_page_of_the_book():
    english = set(translations.english_pages())
    assert KO_PAGES and set(KO_PAGES) <= english, set(KO_PAGES) - english


@pytest.mark.parametrize("page", KO_PAGES)
def test_a_korean_page_keeps_its_english_pages_code_labels_and_references(page):
    english = (ROOT / page).read_text(encoding="utf-8")
    korean = (KO / page).read_text(encoding="utf-8")
    problems = translations.differences(english, korean, TERMS, UNITS)
    assert not problems, f"ko/{page}:\n  " + "\n  ".join(problems)


def test_every_korean_page_records_the_english_text_it_was_made_from():
    record = translations.read_record("ko")
    assert sorted(record) == KO_PAGES, "record pages with: python -m underwatch translated ko --stamp PAGE"
    assert all(re.fullmatch(r"[0-9a-f]{40}", blob) for blob in record.values())


def test_blob_ids_are_gits():
    assert translations.blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_the_glossary_gives_every_term_its_korean_and_english_forms():
    glossary = (KO / "book" / "glossary.md").read_text(encoding="utf-8")
    block = glossary.split("```{glossary}", 1)[1].split("```", 1)[0]
    term_lines = {line.strip() for line in block.splitlines() if line and not line.startswith(" ")}
    english = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("```")[0]
    english_terms = {line for line in english.splitlines() if line and not line.startswith(" ")}
    assert set(TERMS) == english_terms, "ko/terms.yml must give every glossary term (and no other)"
    for term, korean in TERMS.items():
        assert term in term_lines and korean in term_lines, f"{term} / {korean}"


def test_glossary_terms_keep_their_korean_form_wherever_the_english_page_uses_them():
    """Where an English page links a glossary term, its translation uses the term's Korean form."""
    lower = {k.lower(): v for k, v in TERMS.items()}
    for page in KO_PAGES:
        used = {t for role, t in translations.skeleton((ROOT / page).read_text(encoding="utf-8"))["roles"]
                if role == "term"}
        korean = (KO / page).read_text(encoding="utf-8")
        absent = sorted(f"{t} ({lower[t]})" for t in used if lower[t] not in korean)
        assert not absent, f"ko/{page} lacks the Korean form of {absent}"


# ------------------------------------------------------------------ status, in a small book

def _small_book(root: Path) -> None:
    (root / "book").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: book/a\n  - file: book/b\n")
    for name in ("index", "a", "b"):
        (root / "book" / f"{name}.md").write_text(f"# {name}\n\nEnglish text of {name}.\n")
    (root / "ko" / "book").mkdir(parents=True)
    for name in ("index", "a"):
        (root / "ko" / "book" / f"{name}.md").write_text(f"# {name} (한국어)\n\n{name}의 한국어 본문.\n")


def test_status_tells_translated_out_of_date_and_missing_apart(tmp_path):
    _small_book(tmp_path)
    translations.stamp("ko", ["book/index.md", "book/a.md"], root=tmp_path)
    states = {p.english: p.status for p in translations.status("ko", tmp_path)}
    assert states == {"book/index.md": "translated", "book/a.md": "translated", "book/b.md": "missing"}
    (tmp_path / "book" / "a.md").write_text("# a\n\nEnglish text of a, corrected.\n")
    states = {p.english: p.status for p in translations.status("ko", tmp_path)}
    assert states["book/a.md"] == "out of date" and states["book/index.md"] == "translated"


def test_a_record_that_is_not_json_is_named(tmp_path):
    _small_book(tmp_path)
    (tmp_path / "ko" / "translated-from.json").write_text("{ not json")
    with pytest.raises(ValueError, match=r"ko/translated-from.json: not valid JSON"):
        translations.status("ko", tmp_path)


def test_the_staged_book_flags_out_of_date_and_missing_pages(tmp_path):
    _small_book(tmp_path)
    shutil.copy2(KO / "_config.yml", tmp_path / "ko" / "_config.yml")
    shutil.copy2(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "ko" / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: book/a\n"
                                              "  - file: book/b\n  - file: book/translation-status\n")
    translations.stamp("ko", ["book/index.md", "book/a.md"], root=tmp_path)
    (tmp_path / "book" / "a.md").write_text("# a\n\nEnglish text of a, corrected.\n")
    out = translated_book.stage("ko", tmp_path, tmp_path / "staged")
    index, a, b = ((out / "book" / f"{n}.md").read_text() for n in ("index", "a", "b"))
    assert "한국어 본문" in index and "admonition" not in index
    assert "a의 한국어 본문" in a and "영어 원문이 바뀐 페이지" in a
    assert "English text of b" in b and "아직 번역되지 않은 페이지" in b
    assert b.index("# b") < b.index("아직 번역되지 않은")  # the notice under the title
    status = (out / "book" / "translation-status.md").read_text()
    assert "번역됨 1쪽, 갱신 필요 1쪽, 미번역 1쪽" in status
    settings = yaml.safe_load((out / "_config.yml").read_text())
    assert settings["sphinx"]["config"]["language"] == "ko"
    assert "underwatch.search_ko" in settings["sphinx"]["extra_extensions"]
    assert "Noto Serif CJK KR" in settings["sphinx"]["config"]["latex_elements"]["fontpkg"]
    assert settings["execute"] == yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]  # merged, not lost


def test_sync_restores_english_code_and_keeps_translated_captions():
    english = "# T\n\n```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: A bar chart\n---\nplot(1)\n```\n"
    korean = "# 제목\n\n```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: 막대그래프\n---\nplot(2)\n```\n"
    assert any("code cell 1 differs" in p for p in translations.differences(english, korean))
    synced = translations.sync_code(english, korean)
    assert "plot(1)" in synced and "alt: 막대그래프" in synced and "# 제목" in synced
    assert translations.differences(english, synced) == []


def test_myst_shown_as_inline_code_is_text_not_a_role():
    english = "Keep `{doc}` targets; ``{term}`translated text <glossary term>` `` links, and {term}`frame`.\n"
    korean = "`{doc}` 대상은 그대로, ``{term}`translated text <glossary term>` `` 형식, 그리고 {term}`프레임 <frame>`.\n"
    assert translations.differences(english, korean, TERMS) == []
    assert translations.skeleton(english)["roles"] == [("term", "frame")]


def test_a_glued_value_may_be_shown_in_korean_units_only_where_declared(tmp_path):
    english = "About {glue:text}`pairs_millions:.0f` million pairs.\n"
    korean = "약 {glue:text}`pairs_man:,.0f`만 쌍.\n"
    assert any("roles differ" in p for p in translations.differences(english, korean))
    assert translations.differences(english, korean, units={"pairs_millions": "pairs_man"}) == []
    other = korean.replace("pairs_man", "people_man")
    assert any("roles differ" in p for p in translations.differences(english, other, units={"pairs_millions": "pairs_man"}))
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / translations.GLUE_UNITS).write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(ValueError, match="glue-units.yml: must map English glue names"):
        translations.read_glue_units("ko", tmp_path)


def test_a_caption_over_several_lines_is_prose_too():
    english = ("```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: A long caption\n      that goes on\n"
               "    name: fig-x\n---\nplot(1)\n```\n")
    korean = "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: 긴 캡션\n    name: fig-x\n---\nplot(1)\n```\n"
    assert translations.differences(english, korean) == []
    assert translations.sync_code(english, korean) == korean
    renamed = korean.replace("name: fig-x", "name: fig-y")
    assert any("code cell 1 differs" in p for p in translations.differences(english, renamed))


# ------------------------------------------------------------------ the library speaks Korean

SURVLAB = ROOT / "src" / "survlab" / "survlab"


def _translated_literals() -> dict[str, str]:
    """Every literal passed to _() in the library, with where it is."""
    found = {}
    for path in sorted(SURVLAB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def _page_code(page: str) -> list[tuple[int, ast.Module]]:
    """The code cells of an English page, each as (line of its first code line, parsed code);
    IPython's % and ! lines are left blank."""
    text = (ROOT / page).read_text(encoding="utf-8")
    cells, start = [], 0
    for cell in translations.code_cells(text):
        start = text.index(cell, start)
        lines = cell.split("\n")
        end = lines.index("---", 2) + 1 if len(lines) > 1 and lines[1] == "---" else \
            next(i for i in range(1, len(lines)) if not lines[i].startswith(":"))
        code = "\n".join("" if x.lstrip().startswith(("%", "!")) else x for x in lines[end:-1])
        cells.append((text[:start].count("\n") + 1 + end, ast.parse(code)))
        start += len(cell)
    return cells


def _page_literals() -> dict[str, str]:
    """Every literal passed to tr() in the code cells of the pages that have a Korean translation."""
    found = {}
    for page in KO_PAGES:
        for first, tree in _page_code(page):
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"
                        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    found[node.args[0].value] = f"{page}:{first + node.lineno - 1}"
    return found


def _lab_texts() -> dict[str, str]:
    from survlab import labs

    texts = {}
    for lab in labs.all_labs():
        for exercise in lab.exercises:
            for text in [exercise.hint, *(m.hint for m in exercise.mistakes)]:
                if text:
                    texts[text] = f"lab {lab.id}, exercise {exercise.name}"
    return texts


def test_every_text_the_library_shows_has_a_korean_translation():
    from survlab import i18n

    texts = {**_translated_literals(), **_page_literals(), **_lab_texts()}
    assert len(texts) > 100 and len(_page_literals()) > 50
    missing = [f"{where}: {text!r}" for text, where in texts.items() if text not in i18n.catalog("ko")]
    assert not missing, f"{len(missing)} texts without Korean:\n" + "\n".join(missing[:30])


# Text that code cells of translated pages may show as it is, because it is data (a plate's text, a
# synthetic name), not prose: none at present.
SHOWN_AS_IS: set[str] = set()
SHOWING = {"set_title", "set_xlabel", "set_ylabel"}


def _english_in(node) -> bool:
    """A string literal, or an f-string whose own text (not its values) has a letter in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value not in SHOWN_AS_IS and re.search(r"[A-Za-z]", node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_english_in(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def test_code_cells_of_translated_pages_show_no_untranslated_text():
    """On a page with a Korean translation, text a code cell prints or puts in a figure's title, axis
    label or legend goes through tr(), so the Korean page (same code, SURVLAB_LANG=ko) shows it in Korean."""
    found = []
    for page in KO_PAGES:
        for first, tree in _page_code(page):
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                shown = [k.value for k in node.keywords if k.arg in ("title", "label")]
                if isinstance(node.func, ast.Name) and node.func.id == "print":
                    shown += node.args
                elif isinstance(node.func, ast.Attribute) and node.func.attr in SHOWING:
                    shown += node.args[:1]
                found += [f"{page}:{first + arg.lineno - 1}: {ast.unparse(arg)[:80]}" for arg in shown if _english_in(arg)]
    assert not found, "wrap shown text in tr() (survlab.i18n.tr) and translate it in survlab/locale/ko:\n" + "\n".join(found)


def test_korean_texts_keep_their_placeholders():
    from survlab import i18n

    def fields(text):
        return sorted(f for _, f, spec, _ in string.Formatter().parse(text) if f is not None)

    wrong = [k for k, v in i18n.catalog("ko").items() if fields(k) != fields(v)]
    assert not wrong, wrong[:10]


def test_checks_speak_the_language_set(monkeypatch):
    from survlab import i18n, labs

    lab = labs.all_labs()[0]
    name = lab.exercises[0].name
    monkeypatch.setattr(i18n, "_current", "ko")
    assert str(lab.check(name, None)).startswith(f"[{name}] 아직 답하지 않음: `{name}`에 답을 넣고")
    monkeypatch.setattr(i18n, "_current", "en")
    assert str(lab.check(name, None)).startswith(f"[{name}] Not answered yet: put your answer in `{name}`")


def test_an_unknown_language_is_named(monkeypatch):
    from survlab import i18n

    monkeypatch.setattr(i18n, "_current", None)
    monkeypatch.setenv("SURVLAB_LANG", "xx")
    with pytest.raises(ValueError, match="SURVLAB_LANG: survlab has no language 'xx'"):
        i18n.language()


def test_a_bad_catalog_is_named(tmp_path):
    from survlab import i18n

    (tmp_path / "a.json").write_text(json.dumps({"Correct": "정답"}))
    (tmp_path / "b.json").write_text(json.dumps({"Correct": "맞음"}))
    with pytest.raises(i18n.CatalogError, match=r"locale/ko/b.json: 'Correct' is translated differently in .*a.json"):
        i18n.read_catalogs(tmp_path, "locale/ko")
    (tmp_path / "b.json").write_text("[1, 2]")
    with pytest.raises(i18n.CatalogError, match=r"locale/ko/b.json: must be one JSON object"):
        i18n.read_catalogs(tmp_path, "locale/ko")


# ---------------------------------------------------------------- Korean student editions

def test_korean_student_editions_run_blank_and_say_so_in_korean(tmp_path, request):
    """Each Korean lab's student edition runs top to bottom with every answer blank; its first
    cell sets Korean, and every check says, in Korean, that it is not answered yet. A run that
    builds the lab kit runs these editions there (`kit_korean_runs`): that run is judged here.
    Otherwise (`make test-fast`) they run here."""
    from underwatch import editions

    sources = editions.lab_sources(ROOT / "ko" / "notebooks")
    if builds_the_book(request.config):
        import kits

        kit_runs = request.getfixturevalue("kit_korean_runs")
        assert kit_runs["driver"][0] == 0, kit_runs["driver"][1]
        results = {Path(run): (None, [text for _, text in kits.code_outputs(Path(run))][1:])  # after the offline guard
                   for run in kit_runs["runs"]}
        assert sorted(p.stem for p in results) == sorted(p.stem for p in sources.values())
    else:
        from concurrent.futures import ProcessPoolExecutor

        import nbformat

        paths = []
        for path in sources.values():
            nb = editions.make_edition(editions.read_lab_source(path), student=True, source=path, language="ko")
            paths.append(tmp_path / f"{path.stem}.ipynb")
            nbformat.write(nb, paths[-1])
        with ProcessPoolExecutor() as pool:
            results = dict(zip(paths, pool.map(_run_notebook, map(str, paths))))
    for path, (error, outputs) in results.items():
        assert error is None, f"{path.name}: {error}"
        outputs = [o for o in outputs if o]
        assert outputs[0].startswith("준비 완료"), (path.name, outputs[0][:80])
        checks = [o for o in outputs if re.match(r"\[\w+\] ", o)]
        assert checks and all("아직 답하지 않음" in o for o in checks), (path.name, checks[:3])


def _run_notebook(path: str):
    import os

    import nbformat
    from underwatch import kernel

    nb = nbformat.read(path, as_version=4)
    env_before = os.environ.pop("SURVLAB_LANG", None)  # the edition itself must set the language
    try:
        kernel.execute(nb, timeout=300, cwd=Path(path).parent)
    except Exception as err:  # noqa: BLE001 - reported by the test
        return f"{type(err).__name__}: {str(err)[-800:]}", []
    finally:
        if env_before is not None:
            os.environ["SURVLAB_LANG"] = env_before
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif "text/plain" in output.get("data", {}):
                texts.append(output["data"]["text/plain"])
    return None, texts


def test_every_korean_check_answers_in_korean_blank_right_and_wrong(monkeypatch):
    """For every exercise of every lab: blank, the expected answer and each foreseeable mistake,
    judged with Korean set, give Korean messages, and each mistake its own translated hint."""
    from survlab import i18n, labs

    monkeypatch.setattr(i18n, "_current", "ko")
    korean = i18n.catalog("ko")
    for lab in labs.all_labs():
        for exercise in lab.exercises:
            blank = str(lab.check(exercise.name, None))
            assert "아직 답하지 않음" in blank, blank
            expected = exercise.expected_value()
            assert str(lab.check(exercise.name, expected)).startswith(f"[{exercise.name}] 정답"), exercise.name
            for mistake in exercise.mistakes:
                try:
                    wrong = mistake.value(expected)
                except (TypeError, ZeroDivisionError):
                    continue
                result = lab.check(exercise.name, wrong)
                if result.correct:  # a mistake that lands inside the tolerance is not one here
                    continue
                hints = {korean[m.hint] for m in exercise.mistakes} | {korean.get(exercise.hint, "")}
                assert result.message in hints, (lab.id, exercise.name, result.message)
