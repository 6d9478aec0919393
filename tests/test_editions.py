"""Editions from a small MyST lab written here, so each rule is seen on its own."""
import json
import textwrap

import nbformat
import pytest

import survlab
from conftest import NOTEBOOKS
from underwatch import editions

LAB = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        format_name: myst
    kernelspec:
      name: python3
      display_name: Python 3
    survlab:
      lab: getting-started
    ---

    # A lab

    See the {term}`bitrate` and {cite:p}`williams2024panopticon`, or {doc}`the start <../book/index>`.

    ```{code-cell} ipython3
    x = 1
    ```

    ```{exercise-start}
    :label: ex-a
    ```
    How many? Put it in `people_per_camera`.
    ```{exercise-end}
    ```

    ```{solution-start} ex-a
    :class: dropdown
    ```
    The secret explanation.
    ```{code-cell} ipython3
    :tags: [solution]
    people_per_camera = 3_000_000 / 15_000
    ```
    ```{solution-end}
    ```

    ```{code-cell} ipython3
    lab.check("people_per_camera", people_per_camera)
    ```

    :::{note}
    A note body.
    :::
    ''')


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "lab.md"
    path.write_text(LAB)
    nb = editions.read_lab_source(path)
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]
    nb.cells[-2].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "Correct"})]
    return nb


def test_student_edition_blanks_answers_and_drops_solutions(source):
    student = editions.make_edition(source, student=True)
    text = json.dumps(student)
    assert "people_per_camera = None  # replace None with your answer" in text
    assert "3_000_000 / 15_000" not in text and "secret explanation" not in text
    assert student.metadata["survlab"] == {"lab": "getting-started", "edition": "student",
                                           "version": survlab.__version__, "language": "en"}


def test_student_edition_keeps_figures_but_clears_check_outputs(source):
    student = editions.make_edition(source, student=True)
    code = [c for c in student.cells if c.cell_type == "code"][1:]  # after the environment check
    assert code[0].outputs[0]["data"]["image/png"] == "iVBOR"
    check = next(c for c in code if ".check(" in c.source)
    assert check.outputs == []


def test_myst_syntax_becomes_plain_markdown(source):
    student = editions.make_edition(source, student=True)
    md = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert "**Exercise 1.**" in md and "bitrate" in md and "[williams2024panopticon]" in md
    assert "the start" in md and "**Note.** A note body." in md
    assert "{" not in md


def test_instructor_edition_keeps_solutions(source):
    instructor = editions.make_edition(source, student=False)
    text = json.dumps(instructor)
    assert "3_000_000 / 15_000" in text and "**Solution.**" in text
    assert instructor.metadata["survlab"]["edition"] == "instructor"


def test_solution_cell_without_an_answer_variable_is_an_error_naming_the_file(source):
    source.cells[3].source = "unrelated = 5"
    with pytest.raises(editions.LabSourceError, match="lab.md.*assigns none"):
        editions.make_edition(source, student=True, source="lab.md")


def test_missing_lab_metadata_names_the_file(source):
    del source.metadata["survlab"]
    with pytest.raises(editions.LabSourceError, match="where.md"):
        editions.make_edition(source, student=True, source="where.md")


def test_unreadable_source_names_the_file(tmp_path):
    bad = tmp_path / "broken.md"
    bad.write_text("---\nkernelspec: [unclosed\n---\n")
    with pytest.raises(editions.LabSourceError, match="broken.md"):
        editions.read_lab_source(bad)


def test_assigned_names_in_order():
    assert editions.assigned_names("a = 1\nb, c = 2, 3\nd: int = 4\na += 1") == ["a", "b", "c", "d"]


def test_lab_sources_finds_labs_by_metadata_and_rejects_duplicates(tmp_path):
    (tmp_path / "one.md").write_text(LAB)
    (tmp_path / "notes.md").write_text("# Not a lab\n")
    assert list(editions.lab_sources(tmp_path)) == ["getting-started"]
    (tmp_path / "two.md").write_text(LAB)
    with pytest.raises(editions.LabSourceError, match="already used"):
        editions.lab_sources(tmp_path)


def test_student_edition_begins_with_the_environment_check(source):
    student = editions.make_edition(source, student=True)
    first = student.cells[0]
    assert first.cell_type == "code" and editions.ENV_CHECK_TAG in first.metadata["tags"]
    assert f'"{survlab.__version__}"' in first.source
    assert editions.ENV_CHECK_TAG not in json.dumps(editions.make_edition(source, student=False).cells)


def _run_check(source: str, tmp_path, survlab_version: str | None) -> str:
    """Run the check cell in a fresh Python that has the given survlab version (or none)."""
    import subprocess
    import sys
    if survlab_version:
        (tmp_path / "survlab").mkdir()
        (tmp_path / "survlab" / "__init__.py").write_text(f"__version__ = {survlab_version!r}\n")
    result = subprocess.run([sys.executable, "-I", "-S", "-c", source], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


@pytest.mark.parametrize("found, expected", [
    (None, "survlab is not installed"), ("0.0.1", "this kernel has survlab 0.0.1"), ("1.2.3", "Ready: survlab 1.2.3")])
def test_environment_check_says_what_to_run_in_one_line(tmp_path, found, expected):
    cell = editions.env_check_cell("1.2.3")
    # -I -S: no PYTHONPATH, no site-packages (so not this venv's survlab); the fake one is put on sys.path.
    out = _run_check(f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + cell.source, tmp_path, found)
    assert out.count("\n") == 1 and out.startswith(expected), out
    if found != "1.2.3":
        assert "pip install survlab-1.2.3-py3-none-any.whl" in out and "restart the kernel" in out


@pytest.mark.parametrize("found, expected", [
    (None, "survlab이 설치되어 있지 않습니다"), ("0.0.1", "이 커널의 survlab은 0.0.1 버전입니다"),
    ("1.2.3", "준비 완료: 이 실습을 만든 버전인 survlab 1.2.3입니다")])
def test_the_korean_environment_check_says_it_in_korean_and_sets_the_language(tmp_path, found, expected):
    cell = editions.env_check_cell("1.2.3", language="ko")
    if found:  # a stand-in survlab whose set_language leaves a mark
        (tmp_path / "survlab").mkdir()
        (tmp_path / "survlab" / "__init__.py").write_text(f"__version__ = {found!r}\n")
        (tmp_path / "survlab" / "i18n.py").write_text("def set_language(code):\n    print('language', code)\n")
    out = _run_check(f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + cell.source, tmp_path, None)
    assert out.splitlines()[-1].startswith(expected), out
    if found == "1.2.3":
        assert out.splitlines()[0] == "language ko"
    else:
        assert out.count("\n") == 1 and "pip install survlab-1.2.3-py3-none-any.whl" in out and "커널을 다시 시작" in out


def test_a_korean_lab_makes_korean_editions_with_the_english_code():
    english_source = NOTEBOOKS / "03-face-matching.md"
    korean_source = NOTEBOOKS.parent / "ko" / "notebooks" / "03-face-matching.md"
    english = editions.make_edition(editions.read_lab_source(english_source), student=True, source=english_source)
    korean = editions.make_edition(editions.read_lab_source(korean_source), student=True, source=korean_source,
                                   language="ko")
    assert korean.metadata["survlab"]["language"] == "ko" and english.metadata["survlab"]["language"] == "en"
    assert "set_language(\"ko\")" in korean.cells[0].source and "환경 확인" in korean.cells[0].source
    code = [c.source for c in english.cells[1:] if c.cell_type == "code"]
    assert [c.source for c in korean.cells[1:] if c.cell_type == "code"] == code
    prose = "".join(c.source for c in korean.cells if c.cell_type == "markdown")
    assert "얼굴" in prose and "threshold = " not in prose
    instructor = editions.make_edition(editions.read_lab_source(korean_source), student=False, source=korean_source,
                                       language="ko")
    assert instructor.cells[0].metadata["tags"] == [editions.LANGUAGE_TAG]
    with pytest.raises(editions.LabSourceError, match="no editions in language 'xx'"):
        editions.make_edition(editions.read_lab_source(korean_source), student=True, source=korean_source,
                              language="xx")


def test_glued_values_are_written_into_the_edition_as_the_book_prints_them(source):
    # A glue output as myst-nb (and survlab.book.glue) writes it: hidden, named in the metadata.
    source.cells[1].outputs.append(nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "0.25"},
        metadata={"scrapbook": {"name": "share", "mime_prefix": "application/papermill.record/"}}))
    source.cells.insert(2, nbformat.v4.new_markdown_cell(
        "Share {glue:text}`share`, as a percentage {glue:text}`share:.0%`, unknown {glue:text}`nothing`."))
    for student in (True, False):
        text = "\n".join(c.source for c in editions.make_edition(source, student=student).cells)
        assert "Share 0.25, as a percentage 25%, unknown …." in text
        assert "share:" not in text and "nothing" not in text
