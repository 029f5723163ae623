#!/usr/bin/env python3
"""Writes seed inputs for the `sweep_plain` fuzz target into OUTDIR (default
/tmp/sweep-seeds), built from the code itself:

- every field name `logs::fields::canonical` knows, in the layouts logs write
  it (`key=value`, JSON, CEF, a W3C `#Fields:` and a Zeek `#fields` header),
  and each with one byte changed or cut short, so that every branch of the
  byte-by-byte name match is taken;
- every log line of the log-reading unit tests, alone, with an indicator
  after it, and with its first address or name swapped for one;
- every time the time-reading unit tests read, with each byte changed to a
  letter, a digit or a blank, or cut there, before an indicator (a line's
  time is read only when it holds a hit);
- the first line of every log the log-reading unit tests read, holding an
  indicator, with each byte changed to a letter, a digit or a comma,
  deleted, or the line cut there: the near misses of each log format's
  recogniser (`logs::kind`) and field rules, which random mutation reaches
  slowly (a Palo Alto or pfSense CSV line needs its columns in place);
- the target's fixed indicators in many spellings (case, ports, user info,
  escapes, percent-encoding, brackets) between many bytes before and after,
  and URLs split into host and path fields in W3C, Zeek, Squid and access
  logs;
- the indicators glued to characters outside ASCII, written raw and as
  JSON `\\u` escapes (surrogate pairs past U+FFFF): each end of every
  range of code points the word-edge rules (`matcher::edge`) name, and a
  few letters, digits and marks of other scripts;
- containers the sweep opens inside a plain input, which random bytes
  never build: tar archives (a valid header checksum) of log lines, plain
  and gzip-compressed, whole, cut short, with bytes after their end; and
  UTF-16 text with either byte-order mark, with broken surrogates and an
  odd last byte.

Most are redundant; merge them, which keeps only those that add coverage.
A second argument, a comma-separated list of the parts above (fields,
lines, times, kinds, spellings, marks, containers), writes those alone:

    python3 fuzz/gen/sweep_seeds.py /tmp/sweep-seeds
    cargo +nightly fuzz run -O sweep_plain fuzz/corpus/sweep_plain \\
        /tmp/sweep-seeds -- -merge=1
"""
import hashlib
import re
import sys
from pathlib import Path

from rust_literals import literals

SRC = Path(__file__).resolve().parents[2] / 'src'
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else '/tmp/sweep-seeds')
# Values the target's fixed indicators hit: each indicator, the range
# 198.51.100.0/24 as one address in it.
IOCS = ['192.0.2.1', 'evil.example', 'a@evil.example', '198.51.100.7',
        'http://evil.example/a', 'evil.exe',
        '23f02508b165ec7313f038c28dc9ce82', '2001:db8::1']
written = 0


def check_iocs():
    """Fails if the sweep targets' indicators are no longer these."""
    common = (SRC.parent / 'fuzz/fuzz_targets/sweep_common.rs').read_text()
    table = common[common.index('const IOCS'):]
    table = table[:table.index('];')]
    theirs = set(re.findall(r'"([^"]+)"', table))
    ours = {'198.51.100.0/24' if v == '198.51.100.7' else v for v in IOCS}
    if theirs != ours:
        sys.exit(f'fuzz/fuzz_targets/sweep_common.rs: its indicators '
                 f'{sorted(theirs)} differ from '
                 f'the seeds\' {sorted(ours)}: update IOCS')


def put(text):
    """Writes one seed (text, or bytes as they are), cut to the 4096 bytes
    the targets are run with, named by its hash."""
    global written
    data = text if isinstance(text, bytes) else text.encode(
        'utf-8', 'surrogateescape')
    data = data[:4096]
    if not data:
        return
    path = OUT / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)
        written += 1


def field_names():
    fields = (SRC / 'logs/fields.rs').read_text()
    body = fields[fields.index('let name = match'):
                  fields.index('_ => return None')]
    names = sorted(set(re.findall(r'b"([^"]+)"', body)))
    for k, name in enumerate(names):
        ioc = IOCS[k % len(IOCS)]
        for v in (name, name.upper(), name.title()):
            put(f'Aug 20 00:01:05 host prog: {v}={ioc} x=1\n')
            put(f'{{"{v}":"{ioc}","ts":1588205199.82}}\n')
            put(f'date=2016-02-12 time=14:10:42 {v}="{ioc}" action=deny\n')
            put(f'{v}: {ioc}\n')
            put(f'CEF:0|V|P|1|100|n|5|{v}={ioc} act=blocked\n')
        put('#Software: Microsoft Internet Information Services 10.0\n'
            f'#Fields: date time {name} s-port\n2020-01-01 00:00:00 {ioc} 80\n')
        put(f'#separator \\x09\n#path\thttp\n#fields\tts\t{name}\tid.resp_p\n'
            f'1320279566.452687\t{ioc}\t80\n')
        for i in range(len(name)):
            for c in ('_', '9'):
                if name[i] != c:
                    key = name[:i] + c + name[i + 1:]
                    put(f'Aug 20 00:01:05 host prog: {key}=192.0.2.1\n')
            put(f'Aug 20 00:01:05 host prog: {name[:i + 1]}=192.0.2.1\n')
            put(f'Aug 20 00:01:05 host prog: {name[:i + 1]}z=192.0.2.1\n')
    return len(names)


def test_lines():
    sources = [SRC / 'logs/tests.rs', SRC / 'logs/time/tests.rs']
    lits = [lit for p in sources for lit in literals(p.read_text())]
    content = (SRC / 'sweep/content.rs').read_text()
    lits += literals(content[content.index('mod tests'):])
    lits = [lit for lit in lits if len(lit) >= 8]
    for k, lit in enumerate(lits):
        put(lit)
        put(lit + '\n')
        put(lit.rstrip('\n') + ' ' + IOCS[k % len(IOCS)] + '\n')
        put(re.sub(r'\b\d{1,3}(\.\d{1,3}){3}\b', '192.0.2.1', lit, count=1))
        put(re.sub(r'\b[a-z0-9-]+\.(com|org|net|de|ru)\b', 'evil.example',
                   lit, count=1))
    return len(lits)


def time_near_misses():
    lits = literals((SRC / 'logs/time/tests.rs').read_text())
    times = [lit.split('\n')[0] for lit in lits
             if re.search(r'\d', lit) and len(lit) < 200]
    for t in times:
        for i in range(len(t)):
            for c in ('x', '9', ' ', '0'):
                if t[i] != c:
                    put(t[:i] + c + t[i + 1:] + ' 192.0.2.1\n')
            put(t[:i] + ' 192.0.2.1\n')
    return len(times)


def kind_near_misses():
    lits = literals((SRC / 'logs/tests.rs').read_text())
    firsts = sorted({lit.split('\n')[0] for lit in lits
                     if 8 <= len(lit.split('\n')[0]) < 300})
    for line in firsts:
        # Holding an indicator where the line had an address, or at its
        # end, so that the hit's fields and time are read too.
        held = re.sub(r'\b\d{1,3}(\.\d{1,3}){3}\b', '192.0.2.1', line,
                      count=1)
        if held == line:
            held = line + ' 192.0.2.1'
        for i in range(len(held)):
            for c in ('x', '9', ','):
                if held[i] != c:
                    put(held[:i] + c + held[i + 1:] + '\n')
            put(held[:i] + held[i + 1:] + '\n')
            put(held[:i] + '\n192.0.2.1\n')
    return len(firsts)


SPELLINGS = [
    # URLs
    'http://evil.example/a', 'HTTP://EVIL.EXAMPLE/A', 'http://evil.example:80/a',
    'http://evil.example:8080/a', 'http://evil.example:/a',
    'http://evil.example:99999/a', 'http://evil.example./a',
    'http:\\/\\/evil.example\\/a', 'http://u@evil.example/a',
    'http://u:p@evil.example/a', 'https://evil.example/a', 'ftp://evil.example/a',
    'xhttp://evil.example/a', 'http://evil.example/%61', 'http://evil.example%2Fa',
    'http://evil.example/a%2F', 'http://evil.example/%2', 'http://evil.example/%zz',
    'evil.example/a', 'http://evil.example', 'http://evil.example/',
    '//evil.example/a', 'http://evil.example:443/a', 'ws://evil.example/a',
    'http://www.evil.example/a', 'http://evil.example.com/a',
    # e-mail addresses
    'a@evil.example', 'A@EVIL.EXAMPLE', 'xa@evil.example', 'a.a@evil.example',
    'a+b@evil.example', '"a"@evil.example', 'a@evil.example.',
    'a@sub.evil.example', 'a%40evil.example', 'a@evil.examplex',
    'mailto:a@evil.example',
    # addresses
    '192.0.2.1', '192.0.2.01', '0192.0.2.1', '192.0.2.1.5', '192.0.2.1:80',
    '192.0.2.1/24', '192.0.2.10', '1.192.0.2.1', '198.51.100.7',
    '198.51.100.255', '198.51.101.7', '::ffff:192.0.2.1', '::ffff:c000:201',
    '2001:db8::1', '2001:0db8::1', '2001:db8:0:0:0:0:0:1', '[2001:db8::1]:80',
    '2001:db8::1%eth0', '2001:db8::10', '2001:db8::1:2', '192.000.002.001',
    '192.0.2.1\\n', '192\\.0\\.2\\.1', '192[.]0.2.1',
    # names, files, hashes
    'evil.example', 'EVIL.EXAMPLE', 'evil.example.', 'www.evil.example',
    'evil.example.com', 'evil-example', 'xevil.example', 'evil.exe', 'EVIL.EXE',
    'C:\\x\\evil.exe', '/tmp/evil.exe', 'evil.exe.bak', 'xevil.exe',
    'evil.exe:Zone.Identifier', '23f02508b165ec7313f038c28dc9ce82',
    '23F02508B165EC7313F038C28DC9CE82', '23f02508b165ec7313f038c28dc9ce820',
    'evil%2Eexample', 'evil\\u002eexample', '(4)evil(7)example(0)',
    '3evil7example0',
]
BEFORE = ['', ' ', '"', 'x', '=', '(', '<', "'", '\\', '%22', '\\u0022', '\\x22',
          '.', '-', '/', ':', '@', '0', '[', '\t', ',']
AFTER = ['', '.', '. ', '.x', '?', '#', '/', 'b', '"', ' ', ',', ')', '%20', '\\/',
         '\\u0022', ':', '-', '0', ']', '>', '@x']
LAYOUTS = ['Aug 20 00:01:05 h p: src={}\n', '{{"url":"{}","ts":1588205199.82}}\n',
           '2017-06-28 07:26:35 GET {} 200\n', 'CEF:0|V|P|1|1|n|5|request={} act=x\n']


def spellings():
    for v in SPELLINGS:
        for b in BEFORE:
            for a in AFTER:
                put(f'{b}{v}{a}\n')
        for layout in LAYOUTS:
            put(layout.format(v))
    for host in ('evil.example', 'EVIL.EXAMPLE', 'evil.example:80',
                 'evil.example:8080', 'www.evil.example', 'evil.example.'):
        for path in ('/a', '/A', '/a?x=1', '/ab', '/a/', '/%61', '/', '-', '/a#f'):
            put('#Software: Microsoft Internet Information Services 10.0\n'
                '#Fields: date time cs-method cs-host cs-uri-stem cs-uri-query\n'
                f'2020-01-01 00:00:00 GET {host} {path} -\n')
            put(f'#Fields: date time cs-uri-stem cs(Host)\n'
                f'2020-01-01 00:00:00 {path} {host}\n')
            put('#separator \\x09\n#path\thttp\n'
                '#fields\tts\tuid\tid.orig_h\tmethod\thost\turi\n'
                f'1320279566.4\tC\t10.0.0.1\tGET\t{host}\t{path}\n')
            put(f'{{"ts":1.5,"uid":"C","id.orig_h":"10.0.0.1","host":"{host}",'
                f'"uri":"{path}"}}\n')
            put(f'1286536309.586    921 192.168.0.68 TCP_MISS/200 507 GET '
                f'http://{host}{path} - DIRECT/1.2.3.4 text/html\n')
            put(f'10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET {path} '
                f'HTTP/1.0" 200 2326 "http://{host}{path}" "x"\n')
            put(f'{host} 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] '
                f'"GET {path} HTTP/1.1" 200 2326\n')


def edge_ranges():
    edge = (SRC / 'matcher/edge.rs').read_text()
    points = set()
    for lo, hi in re.findall(r"'\\u\{([0-9A-Fa-f]+)\}'\.\.='\\u\{([0-9A-Fa-f]+)\}'", edge):
        points |= {int(lo, 16), int(hi, 16)}
    for lo, hi in re.findall(r'0x([0-9A-Fa-f]+)\.\.=0x([0-9A-Fa-f]+)', edge):
        points |= {int(lo, 16), int(hi, 16)}
    ends = set()
    for p in points:
        ends |= {p - 1, p, p + 1}
    # Letters, digits and marks of other scripts; an unpaired surrogate.
    ends |= {0xE9, 0x416, 0x3B1, 0x663, 0x5D0, 0x1F600, 0xB2, 0x2028}
    chars = sorted(c for c in ends if 0x80 <= c <= 0x10FFFF
                   and not 0xD800 <= c <= 0xDFFF)

    def json_escape(c):
        if c <= 0xFFFF:
            return f'\\u{c:04x}'
        c -= 0x10000
        return f'\\u{0xD800 + (c >> 10):04x}\\u{0xDC00 + (c & 0x3FF):04x}'

    for c in chars:
        for ioc in ('evil.example', '192.0.2.1', 'a@evil.example'):
            for mark in (chr(c), json_escape(c)):
                put(f'x {mark}{ioc} y\n')
                put(f'x {ioc}{mark} y\n')
                put(f'{{"q":"{mark}{ioc}{mark}"}}\n')
    put('x \\udc00evil.example \\ud800 evil.example\\udfff y\n')
    return len(chars)


def containers():
    import gzip
    import io
    import tarfile
    lines = ['Aug 20 00:01:05 h sshd[1]: from 192.0.2.1 port 22\n',
             '{"query":"evil.example","ts":1588205199.82}\n',
             'GET http://evil.example/a 200 a@evil.example\n']
    before = written

    def tar(members, fmt=tarfile.USTAR_FORMAT):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w', format=fmt) as t:
            for name, data, kind in members:
                info = tarfile.TarInfo(name)
                info.size = len(data) if kind == tarfile.REGTYPE else 0
                info.type = kind
                if kind == tarfile.SYMTYPE:
                    info.linkname = 'a.log'
                t.addfile(info, io.BytesIO(data) if info.size else None)
        return buf.getvalue()

    for k, line in enumerate(lines):
        data = line.encode()
        z = gzip.compress(data, mtime=0)
        for members in ([('a.log', data, tarfile.REGTYPE)],
                        [('a.log.gz', z, tarfile.REGTYPE)],
                        [('d/', b'', tarfile.DIRTYPE),
                         ('d/a.log', data, tarfile.REGTYPE)],
                        [('l', b'', tarfile.SYMTYPE),
                         ('a.log', data, tarfile.REGTYPE)],
                        [('a.log', data, tarfile.REGTYPE),
                         ('b.log', lines[(k + 1) % 3].encode(),
                          tarfile.REGTYPE)]):
            for fmt in (tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT):
                whole = tar(members, fmt)
                put(whole)
                put(whole[:512 + len(data) // 2])   # cut in the data
                put(whole[:700])                    # cut in the padding
                body = whole.rstrip(b'\0')
                put(body + b'\0' * 512)               # one end block of two
                put(body.ljust(len(body) + 1024 - len(body) % 512, b'\0')
                    + b'trailing 192.0.2.1\n')       # bytes after the end
        text = ''.join(lines[k:] + lines[:k])
        for bom, codec in ((b'\xff\xfe', 'utf-16-le'), (b'\xfe\xff', 'utf-16-be')):
            enc = text.encode(codec)
            put(bom + enc)
            put(bom + enc + b'\x41')                  # an odd last byte
            put(bom + enc.replace('1'.encode(codec), '\ud800'.encode(codec, 'surrogatepass'), 1))
            put(bom + '\udc00'.encode(codec, 'surrogatepass') + enc)
            put(bom + enc.replace('\n'.encode(codec), '\r\n'.encode(codec)))
            put(bom + '\U0001f600 '.encode(codec) + enc)
    return written - before


PARTS = ['fields', 'lines', 'times', 'kinds', 'spellings', 'marks',
         'containers']
ONLY = sys.argv[2].split(',') if len(sys.argv) > 2 else PARTS
if set(ONLY) - set(PARTS):
    sys.exit(f'parts are {",".join(PARTS)}, not {",".join(set(ONLY) - set(PARTS))}')
check_iocs()
OUT.mkdir(parents=True, exist_ok=True)
names = field_names() if 'fields' in ONLY else 0
lines = test_lines() if 'lines' in ONLY else 0
times = time_near_misses() if 'times' in ONLY else 0
kinds = kind_near_misses() if 'kinds' in ONLY else 0
if 'spellings' in ONLY:
    spellings()
marks = edge_ranges() if 'marks' in ONLY else 0
boxed = containers() if 'containers' in ONLY else 0
print(f'{written} seeds in {OUT}: {names} field names, {lines} test lines, '
      f'{times} times, {kinds} first lines of logs, '
      f'{len(SPELLINGS) if "spellings" in ONLY else 0} spellings of the '
      f'indicators, {marks} characters outside ASCII, {boxed} tar and '
      f'UTF-16 inputs')
