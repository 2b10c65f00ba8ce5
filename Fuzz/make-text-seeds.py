#!/usr/bin/env python3
"""Writes the seed corpora of the text fuzz targets from the course's lessons and the parser's fixtures.

Run from the repository's root: python3 Fuzz/make-text-seeds.py. The wire targets' seeds (recorded frames) come
from the targets themselves: .build-fuzz/debug/fuzz-wire-decoder -write_seeds=Fuzz/Corpus/fuzz-wire-decoder.
"""
import glob, os, re

root = "Fuzz/Corpus"
lessons = sorted(glob.glob("Lessons/*.md")) + sorted(glob.glob("Tests/LessonRunnerTests/Fixtures/Parsing/*.md"))

def write(target, name, data):
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data)

for path in lessons:
    data = open(path, "rb").read()
    name = os.path.basename(path)
    write("fuzz-lesson-parser", name, data)
    # Each `## ` section on its own too: smaller inputs that still hold a cell and its blocks.
    for i, section in enumerate(re.split(rb"\n(?=## )", data)):
        if b"demo=" in section:
            write("fuzz-lesson-parser", f"{name}.{i}", section)
            # accept: the section, NUL, then even (only existing blocks) or odd (new blocks too), then outputs.
            write("fuzz-lesson-accept", f"{name}.{i}.same", section + b"\0\0line 1\nline 2\n\x01oops\n")
            write("fuzz-lesson-accept", f"{name}.{i}.new", section + b"\0\x01changed\n...\n\x01warning: x\n")

matcher = {
    "literal": b"\nHello\nworld\n\0Hello\nworld\n",
    "ellipsis": b"\nstart\n...\nend\n\0start\na\nb\nend\n",
    "regex": b"\nline [0-9]+ (re)\n\0line 42\n",
    "glob": b"\nfile *.swift (glob)\n\0file main.swift\n",
    "number": b"\npi is {{3.1416 \xc2\xb1 0.01}} (num)\n\0pi is 3.1412\n",
    "literal-marker": b"\nx (re) (literal)\n\0x (re)\n",
    "unordered": b"unordered\nb\na\n...\n\0a\nc\nb\n",
    "sanitize": b"sanitize=pid,duration,path,address\nPID 123 took 4 ms\n\0PID 99 took 1.5 s\n",
    "mismatch": b"\nexpected\n...\ntail (re)\n\0actual\nother\n",
    "control": b"\n\\x1b[1mbold\n\0\x1b[1mbold\r\n\n\n",
}
for name, data in matcher.items():
    write("fuzz-output-matcher", name, data)
