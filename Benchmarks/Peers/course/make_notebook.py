#!/usr/bin/env python3
"""Generates multiprocessing-course.ipynb from multiprocessing_course.py, so the two peers cannot drift.

The script's sections sit under `if __name__ == '__main__':`, each starting with a `# %% N. Title` line followed
by comment lines (the section's text) and then code. Every section becomes a markdown cell (`## N. Title` and the
text) and a code cell (the code, dedented), after a title cell. The notebook is written without outputs and with
fixed cell ids, so regenerating an unchanged script gives the same file byte for byte.

Usage (needs nbformat, e.g. the benchmark venv's python):
    make_notebook.py           write the notebook next to this file
    make_notebook.py --check   exit with status 1 if the checked-in notebook is not what the script gives
"""
import re
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / 'multiprocessing_course.py'
NOTEBOOK = HERE / 'multiprocessing-course.ipynb'

TITLE = """# Multiprocessing in Python

Python's `multiprocessing` package runs code in child processes, side-stepping the global interpreter lock.
Run the cells in order: each one starts its own processes and prints what they did."""

MARKER = re.compile(r'^\s*# %% (?P<title>.+)$')
MAIN_GUARD = "if __name__ == '__main__':"


def sections(source):
    """Yields (title, text, code) for each `# %%` section of the script's main block."""
    lines = source.splitlines()
    if MAIN_GUARD not in lines:
        raise SystemExit(f'{SCRIPT.name}: no line {MAIN_GUARD!r}')
    body = lines[lines.index(MAIN_GUARD) + 1:]
    starts = [i for i, line in enumerate(body) if MARKER.match(line)]
    if not starts:
        raise SystemExit(f'{SCRIPT.name}: no `# %% N. Title` section under the main guard')
    for start, end in zip(starts, starts[1:] + [len(body)]):
        title = MARKER.match(body[start])['title'].strip()
        section = textwrap.dedent('\n'.join(body[start + 1:end])).splitlines()
        # The comment lines right after the marker are the section's text; the code starts at the first other line.
        text = []
        while section and section[0].startswith('#'):
            text.append(section.pop(0)[1:].strip())
        code = '\n'.join(section).strip('\n')
        yield title, ' '.join(text), code


def build():
    """The notebook for the current script, as a string."""
    cells = [new_markdown_cell(TITLE, id='title')]
    for number, (title, text, code) in enumerate(sections(SCRIPT.read_text(encoding='utf-8')), start=1):
        heading = f'## {title}' + (f'\n\n{text}' if text else '')
        cells.append(new_markdown_cell(heading, id=f'section-{number:02d}-text'))
        cells.append(new_code_cell(code, id=f'section-{number:02d}-code'))
    notebook = new_notebook(cells=cells, metadata={
        'kernelspec': {'name': 'python3', 'display_name': 'Python 3 (ipykernel)', 'language': 'python'},
        'language_info': {'name': 'python'},
    })
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + '\n'


def main():
    notebook = build()
    if sys.argv[1:] == ['--check']:
        if not NOTEBOOK.exists() or NOTEBOOK.read_text(encoding='utf-8') != notebook:
            print(f'{NOTEBOOK.name} is out of date: run {Path(__file__).name}', file=sys.stderr)
            return 1
        return 0
    if sys.argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    NOTEBOOK.write_text(notebook, encoding='utf-8')
    return 0


if __name__ == '__main__':
    sys.exit(main())
