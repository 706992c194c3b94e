#!/usr/bin/env python3
"""List the normative clauses of runtime-spec's runtime.md, config.md and config-linux.md.

A clause is a sentence with one of the RFC 2119 keywords MUST, MUST NOT, REQUIRED, SHALL,
SHALL NOT, SHOULD, SHOULD NOT, RECOMMENDED. Its id is FILE#SECTION-N: SECTION is the GitHub
anchor of the nearest heading above it (heading text, lower case, spaces to dashes), N counts
the clauses of that section from 1 in order of appearance.

Usage: clauses.py [--spec DIR] [--tsv]   (default DIR: /work/shared/reference/runtime-spec-v1.3.0,
or $SPEC_DIR). Prints "id<TAB>text" lines.
"""
import os
import re
import sys

FILES = ["runtime.md", "config.md", "config-linux.md"]
KEYWORDS = re.compile(r"\b(MUST|REQUIRED|SHALL|SHOULD|RECOMMENDED)\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*`\[(])")


def slug(heading):
    text = re.sub(r"<a [^>]*/>", "", heading)           # <a name="..." /> anchors
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)                 # GitHub drops punctuation
    return text.replace(" ", "-")


def clean(line):
    line = re.sub(r"^\s*(?:[*+-]|\d+\.)\s+", "", line)   # list markers
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)   # links
    return line.strip()


def paragraphs(path):
    """Yield (section, text) for each paragraph, list item or table row outside code blocks."""
    section, buf, in_code = None, [], False

    def flush():
        text = " ".join(buf).strip()
        buf.clear()
        return text

    with open(path, encoding="utf-8") as f:
        for raw in f:
            if raw.lstrip().startswith("```"):
                if buf:
                    yield section, flush()
                in_code = not in_code
                continue
            if in_code:
                continue
            m = re.match(r"^(#+)\s+(.*)$", raw)
            starts_item = re.match(r"^\s*(?:[*+-]|\d+\.)\s+", raw) or "|" in raw or raw.startswith(">")
            if m or not raw.strip() or starts_item:
                if buf:
                    yield section, flush()
            if m:
                section = slug(m.group(2))
            elif raw.strip():
                buf.append(clean(raw))
                if "|" in raw:
                    yield section, flush()
        if buf:
            yield section, flush()


def clauses(spec_dir):
    out = []
    for name in FILES:
        counts = {}
        for section, para in paragraphs(os.path.join(spec_dir, name)):
            for sentence in SENTENCE_END.split(para):
                if KEYWORDS.search(sentence):
                    counts[section] = counts.get(section, 0) + 1
                    text = re.sub(r"\s+", " ", sentence).strip()
                    out.append(("%s#%s-%d" % (name, section, counts[section]), text))
    return out


def main():
    spec = os.environ.get("SPEC_DIR", "/work/shared/reference/runtime-spec-v1.3.0")
    args = sys.argv[1:]
    if "--spec" in args:
        spec = args[args.index("--spec") + 1]
    for cid, text in clauses(spec):
        print("%s\t%s" % (cid, text))


if __name__ == "__main__":
    main()
