"""Student and instructor editions of a lab, made from its MyST Markdown source.

A lab source marks each exercise with sphinx-exercise's gated syntax and puts the
answer in a code cell between ``solution-start`` and ``solution-end``. The book shows
that cell in a dropdown. The editions are plain Jupyter notebooks:

- student: every solution cell becomes a blank answer cell (``name = None``), and no
  solution text or code is left anywhere in the file, metadata included;
- instructor: solutions kept, under a "Solution" heading.

A student edition begins with an environment check (``ENV_CHECK``): if ``survlab`` is
missing, or is not the version the edition was made with, it prints one line saying what
to run, instead of a traceback further down. Both editions record that version in
``metadata["survlab"]["version"]`` (the grader notes a submission made with another one).

Either edition keeps the outputs (figures as embedded PNG) of the cells it leaves
untouched, so a notebook downloaded from the site opens with its images and no network.
"""
from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import nbformat

import survlab
from survlab import labs

# The course's lab sources, when survlab is installed from the repository (editable).
NOTEBOOKS_DIR = Path(__file__).resolve().parents[3] / "notebooks"

SOLUTION_TAG = "solution"
WRITTEN_TAG = "written:"  # = gradebook.written.WRITTEN_TAG
BLANK_LINE = "{name} = None  # replace None with your answer"

_FENCE = re.compile(r"^(?P<ticks>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<arg>[^\n]*)\n(?P<body>.*?)^(?P=ticks)[ \t]*$\n?",
                    re.M | re.S)
_OPTION = re.compile(r"^:[\w-]+:[^\n]*\n", re.M)
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`<]*?)\s*(?:<(?P<target>[^>]*)>)?`")
_CHECK_CALL = re.compile(r"\.check\(")

# The first cell of every student edition. Plain Python, no imports beyond the standard
# library, so it runs (and says what to do) in any Jupyter kernel.
ENV_CHECK = """\
# Environment check: run this cell first. It prints "Ready", or the one command to run.
try:
    import survlab
    _found = survlab.__version__
except ImportError:
    _found = None
if _found != "{version}":
    print(("survlab is not installed" if _found is None else f"this kernel has survlab {{_found}}")
          + ": in a terminal, in the environment you start Jupyter from, run "
          + "`python -m pip install survlab-{version}-py3-none-any.whl` (download it from the course site: "
          + "How to use, Downloads), then restart the kernel.")
else:
    print("Ready: survlab {version}, the version this lab was made with.")
del _found"""
ENV_CHECK_TAG = "environment-check"

# The same check in Korean, which also sets the library's language (figures, check messages).
ENV_CHECK_KO = """\
# 환경 확인: 이 셀을 먼저 실행하십시오. "준비 완료"가 나오거나, 실행할 명령 하나를 알려 줍니다.
try:
    import survlab
    _found = survlab.__version__
except ImportError:
    _found = None
if _found != "{version}":
    print(("survlab이 설치되어 있지 않습니다" if _found is None else f"이 커널의 survlab은 {{_found}} 버전입니다")
          + ": 터미널에서, Jupyter를 시작하는 그 환경에서 "
          + "`python -m pip install survlab-{version}-py3-none-any.whl`을 실행하고(강좌 사이트의 "
          + "'이 강좌를 활용하는 방법', 내려받기에서 받을 수 있습니다) 커널을 다시 시작하십시오.")
else:
    import survlab.i18n
    survlab.i18n.set_language("ko")
    print("준비 완료: 이 실습을 만든 버전인 survlab {version}입니다. 그림과 채점 메시지는 한국어로 나옵니다.")
del _found"""
ENV_CHECKS = {"en": ENV_CHECK, "ko": ENV_CHECK_KO}
# An instructor edition in another language sets the library's language in its first cell.
LANGUAGE_TAG = "set-language"


def env_check_cell(version: str = survlab.__version__, language: str = "en") -> nbformat.NotebookNode:
    """The environment check a student edition starts with, for one version of survlab."""
    from .licence import LICENSE_NOTE, LICENSE_SPDX

    cell = nbformat.v4.new_code_cell(ENV_CHECKS[language].format(version=version))
    cell.metadata["tags"] = [ENV_CHECK_TAG]
    # What the notebook is and how it may be reused travels with it (CC BY asks for both).
    cell.metadata["under_watch"] = {"course": "Under Watch", "version": version,
                                    "license": LICENSE_SPDX, "license_note": LICENSE_NOTE}
    return cell


class LabSourceError(ValueError):
    """A lab source that cannot be turned into editions; the message names the file."""


def read_lab_source(path: str | Path) -> nbformat.NotebookNode:
    """Read a MyST Markdown lab with the same reader the book build uses."""
    from myst_nb.core.read import read_myst_markdown_notebook

    path = Path(path)
    try:
        return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)
    except Exception as err:  # the reader's own errors do not name the file
        raise LabSourceError(f"{path}: cannot be read as a MyST notebook: {err}") from err


def lab_id(nb: nbformat.NotebookNode, source: str | Path = "<notebook>") -> str:
    try:
        return nb.metadata["survlab"]["lab"]
    except KeyError:
        raise LabSourceError(f"{source}: metadata has no 'survlab: {{lab: ...}}' entry naming its lab") from None


def assigned_names(code: str) -> list[str]:
    """Top-level names a cell assigns, in order (the answers a solution cell sets)."""
    names: list[str] = []
    for node in ast.parse(code).body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names


def glued_in(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Each value the notebook's executed cells glued (myst-nb's scrapbook outputs), as printed text."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = output.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
            if text is not None:
                found[meta["name"]] = "".join(text) if isinstance(text, list) else text
    return found


def _glued_text(key: str, glued: dict[str, str]) -> str:
    # {glue:text}`name` or `name:.1%`: the value as the book prints it. Without the executed
    # notebook (no build cache) the value is unknown, and an ellipsis stands in for it.
    name, _, spec = key.partition(":")
    if name not in glued:
        return "…"
    value = glued[name]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    if spec:
        try:
            return format(float(value), spec)
        except ValueError:
            return value
    return value


def _plain_roles(text: str, glued: dict[str, str] | None = None) -> str:
    def repl(m: re.Match) -> str:
        if m["role"].startswith("cite"):
            return f"[{m['text']}]"
        if m["role"].startswith("glue"):
            return _glued_text(m["text"], glued or {})
        return m["text"] or m["target"] or ""
    return _ROLE.sub(repl, text)


class _Converter:
    """Walks a lab's cells once, turning MyST-only syntax into plain Markdown."""

    def __init__(self, student: bool, answer_names: list[str], source: str, glued: dict[str, str] | None = None):
        self.student = student
        self.glued = glued or {}
        self.answer_names = answer_names
        self.source = source
        self.in_solution = False
        self.exercise_count = 0
        self.cells: list = []

    def _keep(self) -> bool:
        return not (self.in_solution and self.student)

    def markdown(self, cell) -> None:
        text = cell.source
        pieces: list[str] = []
        pos = 0
        for m in _FENCE.finditer(text):
            if self._keep():
                pieces.append(text[pos:m.start()])
            pos = m.end()
            name = m["name"]
            if name == "solution-start":
                self.in_solution = True
                if not self.student:
                    pieces.append("**Solution.**\n")
            elif name == "solution-end":
                self.in_solution = False
            elif not self._keep() or name == "exercise-end":
                continue
            elif name == "exercise-start":
                self.exercise_count += 1
                title = m["arg"].strip()
                pieces.append(f"**Exercise {self.exercise_count}{': ' + title if title else ''}.**\n")
            else:  # admonitions and the like: a bold title, then the body
                body = _OPTION.sub("", m["body"]).strip()
                title = m["arg"].strip() or name.replace("-", " ").capitalize()
                pieces.append(f"**{title}.** {body}\n")
        if self._keep():
            pieces.append(text[pos:])
        out = _plain_roles("".join(pieces), self.glued).strip()
        if out:
            new = nbformat.v4.new_markdown_cell(out)
            written = [t for t in cell.metadata.get("tags", []) if isinstance(t, str) and t.startswith(WRITTEN_TAG)]
            if written:  # a written answer's cell: the grader and `underwatch written` find it by this tag
                new.metadata["tags"] = written
            self.cells.append(new)

    def code(self, cell) -> None:
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags or self.in_solution:
            if not self.student:
                self.cells.append(_clean_code_cell(cell))
                return
            names = [n for n in assigned_names(cell.source) if n in self.answer_names]
            if not names:
                raise LabSourceError(f"{self.source}: a solution cell assigns none of the lab's answer "
                                     f"variables {self.answer_names}:\n{cell.source}")
            self.cells.append(nbformat.v4.new_code_cell("\n".join(BLANK_LINE.format(name=n) for n in names)))
            return
        new = _clean_code_cell(cell)
        if self.student and _CHECK_CALL.search(cell.source):
            new.outputs = []  # the built page ran the solution; a student has not answered yet
            new.execution_count = None
        self.cells.append(new)


def _clean_code_cell(cell):
    new = nbformat.v4.new_code_cell(cell.source)
    new.outputs = copy.deepcopy(cell.get("outputs", []))
    new.execution_count = cell.get("execution_count")
    tags = [t for t in cell.metadata.get("tags", []) if t != SOLUTION_TAG]
    if tags:
        new.metadata["tags"] = tags
    return new


def make_edition(nb: nbformat.NotebookNode, *, student: bool, source: str | Path = "<notebook>",
                 language: str = "en") -> nbformat.NotebookNode:
    """The student (blank answers) or instructor (solutions) edition of a lab notebook, in the
    language of its source (``ko`` for a page of ko/notebooks)."""
    if language not in ENV_CHECKS:
        raise LabSourceError(f"{source}: no editions in language {language!r}; there are {sorted(ENV_CHECKS)}")
    lab = labs.get(lab_id(nb, source))
    conv = _Converter(student, lab.answer_names, str(source), glued_in(nb))
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            conv.markdown(cell)
        elif cell.cell_type == "code":
            conv.code(cell)
    if conv.in_solution:
        raise LabSourceError(f"{source}: a solution-start has no matching solution-end")
    out = nbformat.v4.new_notebook()
    first = [env_check_cell(language=language)] if student else []
    if not student and language != "en":
        first = [nbformat.v4.new_code_cell(f'import survlab.i18n\nsurvlab.i18n.set_language("{language}")',
                                           metadata={"tags": [LANGUAGE_TAG]})]
    out.cells = first + conv.cells
    out.metadata = {
        "kernelspec": nb.metadata.get("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}),
        "language_info": {"name": "python"},
        "survlab": {"lab": lab.id, "edition": "student" if student else "instructor",
                    "version": survlab.__version__, "language": language},
    }
    nbformat.validate(out)
    return out


def lab_sources(notebooks_dir: str | Path) -> dict[str, Path]:
    """Lab id -> MyST source, for every lab notebook in a folder (read from its metadata)."""
    found: dict[str, Path] = {}
    for path in sorted(Path(notebooks_dir).glob("*.md")):
        nb = read_lab_source(path)
        if "survlab" not in nb.metadata:
            continue
        lab = lab_id(nb, path)
        if lab in found:
            raise LabSourceError(f"{path}: lab id {lab!r} is already used by {found[lab]}")
        found[lab] = path
    return found


def with_cached_outputs(nb: nbformat.NotebookNode, cache_path: str | Path | None) -> nbformat.NotebookNode:
    """The notebook with the outputs the book build stored in its execution cache, if any."""
    if not cache_path or not Path(cache_path).exists():
        return nb
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(str(cache_path)).merge_match_into_notebook(nb)
        return merged
    except KeyError:  # this version of the lab was not executed by the build
        return nb


def write_editions(notebooks_dir: str | Path, out_dir: str | Path, cache_path: str | Path | None = None,
                   language: str = "en") -> dict[str, Path]:
    """Student and instructor editions of every lab, plus one zip per edition; returns the zips."""
    import zipfile

    out_dir = Path(out_dir)
    zips = {}
    sources = lab_sources(notebooks_dir)
    for edition in ("student", "instructor"):
        folder = out_dir / edition
        folder.mkdir(parents=True, exist_ok=True)
        for path in sources.values():
            nb = with_cached_outputs(read_lab_source(path), cache_path)
            nbformat.write(make_edition(nb, student=edition == "student", source=path, language=language),
                           folder / f"{path.stem}.ipynb")
        name = f"under-watch-{edition}" + ("" if language == "en" else f"-{language}")
        zips[edition] = out_dir / f"{name}.zip"
        with zipfile.ZipFile(zips[edition], "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(folder.glob("*.ipynb")):
                zf.write(file, f"{name}/{file.name}")
    return zips
