"""The training script (core/training/script.py) as a Jupyter notebook, the form the lecture came in (a Colab
notebook): the script's docstring as the first markdown cell, its imports and settings as code cells, then each
numbered section ("# 1. Data", "# 2. Model" ...) as a markdown heading over its code. The code is the script's,
line for line, so the notebook trains exactly what the script does; ``nbformat`` builds and validates it.
"""

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

_SECTION = re.compile(r"^# (\d+\. .+)$")  # a section heading of the script, at the top level


def training_notebook(script: str) -> str:
    """The notebook's JSON for ``script`` (as ``training_script`` writes it, its comments in any language)."""
    docstring, body = "", script
    if script.startswith('"""'):
        docstring, body = script[3:].split('"""', 1)
    cells = [new_markdown_cell(_markdown(docstring))] if docstring.strip() else []
    for heading, code in _sections(body):
        if heading:
            cells.append(new_markdown_cell(f"## {heading}"))
        cells.append(new_code_cell(code))
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return nbformat.writes(notebook)


def _markdown(docstring: str) -> str:
    """The docstring's first paragraph as the notebook's title, the rest as its text."""
    title, _, rest = docstring.strip().partition("\n\n")
    return f"# {title.strip()}\n\n{rest.strip()}".strip()


def _sections(body: str) -> list[tuple[str | None, str]]:
    """(heading or None, code) for each part of the script: what comes before the first heading is split at its
    blank-line-separated blocks (imports, settings), and each section runs up to the next heading."""
    parts, heading, lines = [], None, []

    def close():
        code = "\n".join(lines).strip("\n")
        if heading is None:  # the preamble: one cell per block (imports; settings)
            parts.extend((None, block.strip("\n")) for block in re.split(r"\n\s*\n", code) if block.strip())
        elif code.strip():
            parts.append((heading, code))

    for line in body.split("\n"):
        match = _SECTION.match(line)
        if match:
            close()
            heading, lines = match.group(1), []
        else:
            lines.append(line)
    close()
    return parts
