"""Written answers in a submitted notebook: the Markdown cells tagged ``written:<question>``.

Called by the grader on the notebook it has already parsed with its limits; Markdown is never
run, so this reads it as text here, outside the sandbox, bounded in size and count.
"""
from __future__ import annotations

import re
from typing import Any

WRITTEN_TAG = "written:"
QUESTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_ANSWER_CHARS = 20_000  # about 3,000 words: ten times the longest write-up the assessment asks for
MAX_QUESTIONS = 20
# The answer cell's heading and placeholder, as the English and the Korean editions write them.
HEADING = re.compile(r"^\s*\*\*(Your answer|여러분의 답|[^\n*]*에 대한 답)[^\n]*\*\*\s*$")
PLACEHOLDERS = {"*Write your answer here, in place of this line.*", "*이 줄을 지우고 여기에 답을 쓰십시오.*"}


def answer_text(source: str) -> str:
    """The student's words: the cell without its heading line and the placeholder."""
    lines = source.splitlines()
    if lines and HEADING.match(lines[0]):
        lines = lines[1:]
    return "\n".join(line for line in lines if line.strip() not in PLACEHOLDERS).strip()


def question_ids(cell: Any) -> list[str]:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    tags = meta.get("tags") if isinstance(meta, dict) else None
    if not isinstance(tags, list):
        return []
    return [t[len(WRITTEN_TAG):] for t in tags[:20]
            if isinstance(t, str) and t.startswith(WRITTEN_TAG) and QUESTION_ID.fullmatch(t[len(WRITTEN_TAG):])]


def collect(notebook: Any) -> dict[str, str]:
    """Every tagged written answer in a notebook (a parsed, size-checked JSON object), as text.
    A question whose cell was copied gets the copies' texts joined; '' is a blank answer; a
    question whose cell was deleted is absent."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    answers: dict[str, list[str]] = {}
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else str(source)
        for qid in question_ids(cell):
            if qid in answers or len(answers) < MAX_QUESTIONS:
                answers.setdefault(qid, []).append(answer_text(text[:MAX_ANSWER_CHARS * 2]))
    return {qid: "\n\n".join(t for t in texts if t)[:MAX_ANSWER_CHARS] for qid, texts in answers.items()}
