#!/usr/bin/env python3
"""The code and the docs cite the docs for why a setting is what it is
(`docs/performance-record.md, "A tighter bound"`).  Check that every such
citation leads somewhere: the file exists, and a section or passage named
in quotes right after it is in that file.  A name wrapped over lines is
checked up to the line's end; Markdown links to files of the repository
are checked to exist.

    tests/docrefs.py SOURCE_DIR
"""
import os
import re
import sys

SCAN = ("model", "io", "solver", "schools", "tests", "bench", "docs", "examples")
TOP = ("README.md", "CMakeLists.txt", "run.sh", "test.sh", "publiccode.yml")
CITE = re.compile(r'(docs/[A-Za-z0-9_.-]+\.(?:md|json|1))(?:,\s*(?:\*\s*|#\s*)?"([^"\n]+)"?)?')
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def files(root):
    for top in TOP:
        if os.path.isfile(os.path.join(root, top)):
            yield top
    for d in SCAN:
        for base, dirs, names in os.walk(os.path.join(root, d)):
            dirs[:] = [x for x in dirs if x not in ("corpus", "__pycache__")]
            for n in names:
                if n.endswith((".c", ".h", ".md", ".py", ".txt", ".cmake")) or "." not in n:
                    yield os.path.relpath(os.path.join(base, n), root)


def flat(text):
    """The text with line breaks, comment leaders and Markdown emphasis
    taken out, so that a name wrapped over lines can be found."""
    text = re.sub(r"\n\s*(?:\*|#|//)?\s*", " ", text)
    return re.sub(r"[*_`]", "", text)


def main(argv):
    root = argv[1]
    problems, cited = [], 0
    cache = {}
    for rel in files(root):
        try:
            text = open(os.path.join(root, rel), encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for m in CITE.finditer(flat(text)):
            doc, name = m.group(1), m.group(2)
            path = os.path.join(root, doc)
            cited += 1
            if not os.path.isfile(path):
                problems.append(f"{rel}: cites '{doc}', which does not exist")
                continue
            if name:
                if doc not in cache:
                    cache[doc] = flat(open(path, encoding="utf-8").read())
                # a name ends where the quote would close; compare its words
                want = re.sub(r"\s+", " ", name).strip()
                if want and want not in cache[doc]:
                    problems.append(f"{rel}: cites '{doc}', \"{want}\", not found there")
        if rel.endswith(".md"):
            for m in LINK.finditer(text):
                target = m.group(1)
                if "://" in target or target.startswith("mailto:"):
                    continue
                path = os.path.normpath(os.path.join(root, os.path.dirname(rel), target))
                cited += 1
                if not os.path.exists(path):
                    problems.append(f"{rel}: links to '{target}', which does not exist")
    for p in problems:
        print(p)
    print(f"{cited} citations and links, {len(problems)} leading nowhere")
    return 1 if problems or cited == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
