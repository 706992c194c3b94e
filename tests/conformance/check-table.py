#!/usr/bin/env python3
"""Check tests/CONFORMANCE.md against the clauses of the spec (clauses.py).

Fails (exit 1, one line per problem) when a clause of the spec has no row, a row names a clause
the spec does not have (or twice), a row's quote is not part of its clause's text, or a row's
coverage is neither test references that exist (FILE/test_function, the functions of
tests/integration/FILE.sh), nor "skipped: <reason>", nor "not applicable: <why>".
With --summary, prints the counts of covered, skipped and not applicable clauses.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clauses  # noqa: E402

TESTS = os.path.dirname(HERE)
TABLE = os.path.join(TESTS, "CONFORMANCE.md")


def norm(text):
    text = text.replace("\\|", "|")
    text = re.sub(r"[`*|]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def test_functions(name, cache={}):
    if name not in cache:
        path = os.path.join(TESTS, "integration", name + ".sh")
        if not os.path.exists(path):
            cache[name] = None
        else:
            out = subprocess.run(["bash", "-c", 'HULL=/bin/true; source "$1"; source "$2"; declare -F',
                                  "-", os.path.join(TESTS, "lib.sh"), path],
                                 capture_output=True, text=True).stdout
            cache[name] = {l.split()[-1] for l in out.splitlines() if l.split()[-1].startswith("test_")}
    return cache[name]


def main():
    spec = os.environ.get("SPEC_DIR", "/work/shared/reference/runtime-spec-v1.3.0")
    want = dict(clauses.clauses(spec))
    order = [cid for cid, _ in clauses.clauses(spec)]
    rows, problems = {}, []
    with open(TABLE, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.startswith("| `") :
                continue
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if len(cells) != 3:
                problems.append("CONFORMANCE.md:%d: expected 3 cells, got %d" % (n, len(cells)))
                continue
            cid, quote, cover = cells[0].strip("`"), cells[1], cells[2]
            if cid in rows:
                problems.append("CONFORMANCE.md:%d: %s appears twice" % (n, cid))
            rows[cid] = (n, quote, cover)
    kinds = {"covered": 0, "skipped": 0, "not applicable": 0}
    for cid in order:
        if cid not in rows:
            problems.append("missing: %s: %s" % (cid, want[cid]))
            continue
        n, quote, cover = rows[cid]
        q = norm(quote).rstrip(".").replace("…", "").replace("...", "")
        if not q or any(part.strip() and part.strip() not in norm(want[cid]) for part in re.split(r"…|\.\.\.", norm(quote))):
            problems.append("CONFORMANCE.md:%d: %s: quote %r is not in the clause %r" % (n, cid, quote, want[cid]))
        if cover.startswith("skipped: ") and len(cover) > 10:
            kinds["skipped"] += 1
        elif cover.startswith("not applicable: ") and len(cover) > 17:
            kinds["not applicable"] += 1
        else:
            refs = re.findall(r"`([a-z_0-9]+)/(test_[A-Za-z0-9_]+)`", cover)
            if not refs:
                problems.append("CONFORMANCE.md:%d: %s: no test, skip reason or n/a reason: %r" % (n, cid, cover))
            for fname, fn in refs:
                fns = test_functions(fname)
                if fns is None:
                    problems.append("CONFORMANCE.md:%d: %s: no tests/integration/%s.sh" % (n, cid, fname))
                elif fn not in fns:
                    problems.append("CONFORMANCE.md:%d: %s: no function %s in %s.sh" % (n, cid, fn, fname))
            kinds["covered"] += 1
    for cid in rows:
        if cid not in want:
            problems.append("CONFORMANCE.md:%d: %s is not a clause of the spec" % (rows[cid][0], cid))
    for p in problems:
        print(p)
    if "--summary" in sys.argv:
        print("%d clauses: %d covered, %d skipped, %d not applicable" % (
            len(order), kinds["covered"], kinds["skipped"], kinds["not applicable"]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
