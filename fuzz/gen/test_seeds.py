#!/usr/bin/env python3
"""Writes seed inputs for the reader fuzz targets into OUTDIR/TARGET
(default /tmp/test-seeds), taken from the unit tests of the code each
target runs: every string literal of 20 bytes or more in the test module,
as written and with `format!`'s doubled braces undone, and each also after
every `const NAME: &str` literal of that module (the XML and CSV headers
the tests put in front of their bodies). The STIX 2 tests write bare
patterns: `stix2_pattern` gets them too, and `load_stix2` each also inside
a bundle. The `time` target's inputs start with two bytes of context; its
seeds come with two such prefixes.

The tests take the branches their authors thought of; a fuzzer that never
got there keeps a corpus that looks flat without them (the JSON Lines
reader's corpus had never held a STIX bundle or a MISP event on a line).
Most seeds add nothing; merge them, which keeps only those that do:

    python3 fuzz/gen/test_seeds.py /tmp/test-seeds
    cargo +nightly fuzz run -O load_jsonl fuzz/corpus/load_jsonl \\
        /tmp/test-seeds/load_jsonl -- -merge=1
"""
import hashlib
import json
import re
import sys
from pathlib import Path

from rust_literals import literals

SRC = Path(__file__).resolve().parents[2] / 'src'
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else '/tmp/test-seeds')
# Each target, and the files whose tests hold inputs for it.
TARGETS = {
    'load_text': ['load/text.rs'],
    'load_csv': ['load/csv.rs'],
    'load_zeek': ['load/zeek.rs'],
    'load_jsonl': ['load/jsonl.rs'],
    'load_misp': ['load/misp.rs'],
    'load_openioc': ['load/openioc.rs'],
    'load_stix1': ['load/stix1.rs'],
    'load_stix2': ['load/stix2/tests.rs', 'load/stix2/wildcard.rs'],
    'load_prose': ['load/prose.rs'],
    'stix2_pattern': ['load/stix2/pattern.rs', 'load/stix2/tests.rs'],
    'indicator': ['indicator.rs'],
    'time': ['logs/time/tests.rs', 'time.rs'],
}
# Detection, then any reader: every reader's inputs and detection's own.
TARGETS['load'] = sorted({f for t, fs in TARGETS.items() if t.startswith('load')
                          for f in fs} | {'load/mod.rs', 'load/sniff.rs',
                                           'load/stream.rs', 'load/xml.rs'})
# The time target's first two bytes: a file time and whether a W3C
# header date is known.
TIME_CONTEXT = [b'\x01\x01', b'\x34\x00']


def tests_of(path):
    """The test module of a source file (the whole of a tests.rs)."""
    text = path.read_text(encoding='utf-8')
    at = text.find('#[cfg(test)]')
    return text if at < 0 else text[at:]


def seeds_of(text):
    consts = [literals(text[m.end():])[0]
              for m in re.finditer(r'const \w+: &str =\s*', text)]
    out = set()
    for lit in literals(text):
        if len(lit.encode('utf-8', 'surrogatepass')) < 20:
            continue
        for v in {lit, lit.replace('{{', '{').replace('}}', '}')}:
            out.add(v)
            out.update(c + v for c in consts if c != lit)
    return out


def bundle(pattern):
    """A STIX 2.1 bundle of one indicator with `pattern`."""
    return json.dumps({'type': 'bundle', 'id': 'bundle--1', 'objects': [{
        'type': 'indicator', 'spec_version': '2.1', 'id': 'indicator--1',
        'pattern': pattern, 'pattern_type': 'stix',
        'valid_from': '2024-01-01T00:00:00Z'}]})


def main():
    total = 0
    for target, files in TARGETS.items():
        seeds = set()
        for f in files:
            seeds |= seeds_of(tests_of(SRC / f))
        folder = OUT / target
        folder.mkdir(parents=True, exist_ok=True)
        if target == 'load_stix2':
            seeds |= {bundle(s) for s in seeds if s.startswith(('[', '('))}
        datas = {s.encode('utf-8', 'surrogatepass')[:4096] for s in seeds}
        if target == 'time':
            datas = {p + d for d in datas for p in TIME_CONTEXT}
        for data in datas:
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        total += len(datas)
        print(f'{target}: {len(datas)} seeds')
    print(f'{total} seeds in {OUT}')


main()
