#!/usr/bin/env python3
"""Writes libFuzzer dictionaries from the string literals our code compares
input with: field names, log markers, format keys, pattern keywords. A
fuzzer that must find `cs-uri-stem` or `ISSUBSET` byte by byte spends hours
on each; given them as tokens it tries them at once.

    python3 fuzz/dicts/make.py        # from the repository's root

writes `fuzz/dicts/sweep.dict` (src/logs, src/matcher, src/sweep) and
`fuzz/dicts/load.dict` (src/load, src/indicator.rs)."""
import pathlib
import re

LITERAL = re.compile(r'b?"((?:[^"\\\n]|\\.)*)"')
ESCAPES = {'n': '\\x0A', 'r': '\\x0D', 't': '\\x09', '0': '\\x00',
           '\\': '\\\\', '"': '\\"', "'": "'"}


def token(body):
    """The literal as a dictionary entry, or None if it is no use as one."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != '\\':
            out.append(c if 0x20 <= ord(c) < 0x7f else None)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in ESCAPES:
            out.append(ESCAPES[nxt])
            i += 2
        elif nxt == 'x':
            out.append('\\x' + body[i + 2:i + 4].upper())
            i += 4
        else:  # \u{…}, a line continuation: not a token
            return None
    if None in out or not 2 <= len(out) <= 40:
        return None
    text = ''.join(out)
    # Messages and format strings are ours to write, not input to find.
    if '{' in text and '}' in text or text.count(' ') > 2:
        return None
    return text


def write(name, paths):
    seen = set()
    for path in paths:
        for p in sorted(pathlib.Path(path).rglob('*.rs')) if pathlib.Path(
                path).is_dir() else [pathlib.Path(path)]:
            if p.name == 'tests.rs':
                continue
            src = p.read_text()
            # Unit tests' inputs are not what the code compares with.
            src = src.split('#[cfg(test)]')[0]
            for m in LITERAL.finditer(src):
                t = token(m.group(1))
                if t:
                    seen.add(t)
    lines = [f'"{t}"' for t in sorted(seen)]
    pathlib.Path(f'fuzz/dicts/{name}.dict').write_text(
        f'# Written by fuzz/dicts/make.py from {", ".join(paths)}.\n'
        + '\n'.join(lines) + '\n')
    print(f'fuzz/dicts/{name}.dict: {len(lines)} tokens')


write('sweep', ['src/logs', 'src/matcher', 'src/sweep'])
write('load', ['src/load', 'src/indicator.rs'])
