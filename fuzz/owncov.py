#!/usr/bin/env python3
"""Counts the edges a fuzz target covered in our own code.

    owncov.py [-x REGEX] LOG [OLD_LOG]

LOG is what a target printed with `-runs=0 -print_coverage=1` over its
corpus (a replay). Only functions in files under our crate's `src/` count
(not the standard library, crates or the fuzz targets): the folder that
holds the files of the functions named `iocsweep::…`. `-x` leaves out
the files whose path from `src/` matches REGEX (a reader that embeds
another is judged on its own code). Prints the total; with OLD_LOG, the
gain and the functions that gained or lost, most first.
"""
import re
import sys
from collections import Counter

LINE = re.compile(
    r"^(?:COVERED|UNCOVERED)_FUNC: hits: \d+ edges: (\d+)/\d+ (.*) (\S+):\d+$"
)


def edges(path, leave_out):
    """Returns {(file, function): covered edges} of our own code."""
    with open(path, errors="replace") as f:
        rows = [m for m in map(LINE.match, map(str.strip, f)) if m]
    # Our crate's folder: where the functions of the `iocsweep` crate are.
    roots = Counter(
        m[3][: m[3].rindex("/src/")]
        for m in rows
        if m[2].startswith("iocsweep::") and "/src/" in m[3]
    )
    if not roots:
        sys.exit(f"{path}: no function of the iocsweep crate")
    own = roots.most_common(1)[0][0] + "/src/"
    out = {}
    for m in rows:
        covered, func, file = int(m[1]), m[2], m[3]
        if file.startswith(own):
            rel = file[len(own) - 4:]
            if leave_out and leave_out.search(rel):
                continue
            key = (rel, func)
            out[key] = max(out.get(key, 0), covered)
    return out


def main(args):
    leave_out = None
    if args[:1] == ["-x"]:
        leave_out = re.compile(args[1])
        args = args[2:]
    if len(args) not in (1, 2):
        sys.exit(__doc__)
    new = edges(args[0], leave_out)
    total = sum(new.values())
    if len(args) == 1:
        print(total)
        return
    old = edges(args[1], leave_out)
    was = sum(old.values())
    print(f"{total} (was {was}, {total - was:+d})")
    changed = [(new.get(k, 0) - old.get(k, 0), k) for k in new.keys() | old.keys()]
    for d, (file, func) in sorted(changed, key=lambda c: (-abs(c[0]), c[1])):
        if d:
            print(f"  {d:+d} {file} {func[:100]}")


if __name__ == "__main__":
    main(sys.argv[1:])
