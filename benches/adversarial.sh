#!/bin/sh
# Generates hostile indicator files (and one large log) in a temporary
# folder, runs the release binary on each under /usr/bin/time, and prints
# a Markdown table: case, input size, peak RSS, time, outcome.
#
#   cargo build --release && sh benches/adversarial.sh [BINARY]
#
# Needs python3 (to write the inputs) and GNU time at /usr/bin/time.
# Uses about 1.6 GB of disk in $TMPDIR, removed at the end.
set -eu
bin=${1:-target/release/iocsweep}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

python3 - <<'EOF'
import bz2
import json
from datetime import datetime, timedelta
open("deep-arrays.json", "w").write("[" * 500_000)
open("deep-objects.json", "w").write('{"a":' * 500_000)
with open("huge-sparse.json", "wb") as f:
    f.truncate(2 << 30)
def fill(name, head, element, tail):
    """Writes head, then element(i) for i = 0, 1... joined by commas up to
    64 MiB, then tail, as one line."""
    parts, size, i = [head], 0, 0
    while size < 64 << 20:
        o = element(i)
        parts.append(("," if i else "") + o)
        size += len(o) + 1
        i += 1
    parts.append(tail)
    open(name, "w").write("".join(parts))
bundle = '{"type":"bundle","objects":['
fill("one-line-64mib.json", bundle, lambda i:
     '{"type":"indicator","id":"indicator--%d","pattern_type":"stix",'
     '"pattern":"[ipv4-addr:value = \'10.%d.%d.%d\']"}'
     % (i, i >> 16 & 255, i >> 8 & 255, i & 255), "]}")
fill("one-value-64mib.json", bundle, lambda i:
     '{"type":"indicator","id":"indicator--%d","pattern_type":"stix",'
     '"pattern":"[ipv4-addr:value = \'192.0.2.1\']"}' % i, "]}")
fill("misp-64mib.json", '{"response":[{"Event":{"Attribute":[', lambda i:
     '{"uuid":"%08d-0000-4000-8000-000000000000","type":"ip-dst",'
     '"to_ids":true,"value":"10.%d.%d.%d"}'
     % (i, i >> 16 & 255, i >> 8 & 255, i & 255), "]}}]}")
open("bad-lines-5m.txt", "w").write("".join(
    "10.%d.%d.%d\n10.0.0.0/99\n" % (i >> 16 & 255, i >> 8 & 255, i & 255)
    for i in range(2_500_000)))
until = datetime(2030, 1, 1)
fill("validity-64mib.json", bundle, lambda i:
     '{"type":"indicator","id":"indicator--%d","pattern_type":"stix",'
     '"pattern":"[ipv4-addr:value = \'192.0.2.1\']",'
     '"valid_from":"2020-01-01T00:00:00Z","valid_until":"%s"}'
     % (i, (until + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")), "]}")
# Every object a version of one indicator, the first revoked: the first
# pass keeps one entry for the id, the second skips all but the last.
fill("versions-64mib.json", bundle, lambda i:
     '{"type":"indicator","id":"indicator--1","pattern_type":"stix",'
     '"modified":"%s","pattern":"[ipv4-addr:value = \'10.%d.%d.%d\']"%s}'
     % ((until + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        i >> 16 & 255, i >> 8 & 255, i & 255,
        ',"revoked":true' if i == 0 else ''), "]}")
# One object whose `revoked` is a 64 MiB array: the versions pass must
# not build it.
with open("revoked-array.json", "w") as f:
    f.write('{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1",'
            '"pattern_type":"stix","pattern":"[domain-name:value = \'a.example\']",'
            '"revoked":[' + ",".join(["0"] * (32 << 20)) + ']}]}')
with open("big-object.json", "w") as f:
    f.write('{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1",'
            '"pattern_type":"stix","pattern":"[domain-name:value = \'a.example\']",'
            '"x":[' + ",".join(["0"] * (32 << 20)) + ']},'
            '{"type":"domain-name","id":"d--1","value":"b.example"}]}')
n = 2000
open("namespaces.ioc", "w").write(
    '<?xml version="1.0"?>\n<ioc xmlns="x" '
    + " ".join('xmlns:p%d="u%d"' % (i, i) for i in range(n)) + ">"
    + '<e xmlns:q="v"/>' * n + "</ioc>\n")
open("attributes.ioc", "w").write(
    "<ioc " + " ".join('a%d=""' % i for i in range(160_000)) + "/>\n")
head = '<?xml version="1.0"?>\n<ioc xmlns="http://schemas.mandiant.com/2010/ioc"><definition>'
open("nodes.ioc", "w").write(head + "<a/>" * (16 << 20) + "</definition></ioc>\n")
open("nodes-under.ioc", "w").write(
    head + '<a b="" c="" d=""/>' * 1_999_990 + "</definition></ioc>\n")
open("breaks.ioc", "w").write(head + "\n" * (64 << 20) + "</definition></ioc>\n")
with open("wide-row.csv", "w") as f:
    f.write("ip,note\n" + "".join("192.0.%d.%d,a\n" % (i >> 8, i & 255)
                                   for i in range(999)))
    f.write("a," * (32 << 20) + "a\n")
stix = ('<?xml version="1.0"?>\n<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n')
open("deep-objects.xml", "w").write(
    stix + "<a>" * 998 + "<Properties/>" * 5_000_000 + "</a>" * 998
    + "</stix:STIX_Package>\n")
open("nested-values.xml", "w").write(
    stix + '<Properties xsi:type="DomainNameObj:DomainNameObjectType"><Value>' * 450
    + "a" * (60 << 20) + "</Value></Properties>" * 450 + "</stix:STIX_Package>\n")
wide = "".join(' a%d=""' % i for i in range(9_999))
open("attribute-work.ioc", "w").write("<ioc>" + ("<a%s/>" % wide) * 200 + "</ioc>")
open("pis.ioc", "w").write("<ioc>" + "<?p?>" * 8_000_001 + "</ioc>")
open("list-5m.txt", "w").write("".join(
    "%d.%d.%d.%d\n" % (11 + (i >> 24), i >> 16 & 255, i >> 8 & 255, i & 255)
    for i in range(5_000_000)))
open("list-589k.txt", "w").write("".join(
    "10.%d.%d.%d\n" % (i >> 16 & 255, i >> 8 & 255, i & 255)
    for i in range(588927)))
ents = "".join('<!ENTITY %s "%s">\n' % (chr(98 + k), ("&%s;" % chr(97 + k)) * 10)
               for k in range(9))
open("laughs.xml", "w").write(
    '<?xml version="1.0"?>\n<!DOCTYPE stix:STIX_Package [\n'
    '<!ENTITY a "lol">\n' + ents + ']>\n'
    '<stix:STIX_Package xmlns:stix="x">&j;</stix:STIX_Package>\n')
open("external.ioc", "w").write(
    '<?xml version="1.0"?>\n<!DOCTYPE ioc [\n'
    '<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<ioc>&x;</ioc>\n')
ind = lambda n, p: {"type": "indicator", "id": "indicator--%d" % n,
                    "pattern_type": "stix", "pattern": p}
open("regex.json", "w").write(json.dumps({"type": "bundle", "objects": [
    ind(1, "[url:value MATCHES '(a{1000}){1000}']"),
    ind(2, "[ipv4-addr:value = '192.0.2.1']")]}))
with open("dups-10m.txt", "w") as f:
    for _ in range(100):
        f.write("192.0.2.1\n" * 100_000)
cols = 1_000_000
open("wide.csv", "w").write(
    "ip," + ",".join("c%d" % c for c in range(1, cols)) + "\n"
    + "192.0.2.1" + ",x" * (cols - 1) + "\n")
with open("cells-64mib.csv", "w") as f:
    f.write("ip,a,b,c,d,e,f,g,h,i\n")
    f.write("".join("192.0.2.%d,a,b,c,d,e,f,g,h,i\n" % (i % 250)
                    for i in range(999)))
    f.write("x,x,x,x,x,x,x,x,x,x\n" * ((64 << 20) // 20))
open("bad-utf8.txt", "wb").write(b"192.0.2.1\n\xff\xfeevil.example\n" * 100_000)
open("utf16-no-bom.txt", "wb").write(
    "192.0.2.1\r\nevil.example\r\n".encode("utf-16-le") * 100_000)
open("nul.txt", "wb").write(b"192.0.2.1\n\0\0\0\0\n" * 100_000)
# A Windows event log header, then 1 GiB of zeros, in 800 bytes of bzip2.
bomb = bz2.BZ2Compressor(9)
parts = [bomb.compress(b"ElfFile\0")]
zeros = b"\0" * (16 << 20)
parts += [bomb.compress(zeros) for _ in range(64)]
parts.append(bomb.flush())
open("evtx-bomb.bz2", "wb").write(b"".join(parts))
# A tar.bz2 of 433 bytes holding a member of 1,000 bzip2 streams, each
# 1 GiB of "a": 1,000 GiB of text if nothing stopped it.
one = bz2.BZ2Compressor(9)
stream = b"".join([one.compress(b"a" * (1 << 24)) for _ in range(64)]) + one.flush()
member = stream * 1000
import io, tarfile
tar = io.BytesIO()
with tarfile.open(fileobj=tar, mode="w") as t:
    info = tarfile.TarInfo("auth.log.bz2")
    info.size = len(member)
    t.addfile(info, io.BytesIO(member))
open("nested-bomb.tar.bz2", "wb").write(bz2.compress(tar.getvalue(), 9))
# Sixteen gzip'd logs of 24 lines each just under the 8 MiB a line is
# kept whole to, an indicator at each line's end: 3 GiB of text.
import gzip
line = b"GET /x?" + b"a" * ((8 << 20) - 200) + b" 203.0.113.7 end\n"
one = gzip.compress(line * 24, 1)
for i in range(16):
    open("long-lines-%02d.log.gz" % i, "wb").write(one)
# Four lines each holding 65,536 listed addresses: 262,144 hits in 3 MB.
ips = ["10.1.%d.%d" % (a, b) for a in range(256) for b in range(256)]
open("many-ips.txt", "w").write("\n".join(ips) + "\n")
open("dense-hits.log", "w").write((" ".join(ips) + "\n") * 4)
with open("log-1gib.log", "w") as f:
    line = "2024-03-10T12:00:00Z host sshd[1]: accepted from 203.0.113.9 port 22\n"
    block = line * 100_000
    while f.tell() < 1 << 30:
        f.write(block)
EOF

size() { stat -c %s "$1" | numfmt --to=iec-i --suffix=B; }
row() {
    name=$1; file=$2; shift 2
    /usr/bin/time -f '%M %e' -o time.out "$bin" "$@" >out.txt 2>err.txt \
        && status=0 || status=$?
    set -- $(cat time.out | tail -1)
    outcome=$(grep -v ' entries loaded, ' err.txt | head -1 \
        | sed 's/^iocsweep: [^ ]*: //' | cut -c1-90)
    [ -n "$outcome" ] || outcome=$(head -1 out.txt)
    printf '| %s | %s | %s MB | %s s | exit %s: %s |\n' "$name" \
        "$(size "$file")" "$(($1 / 1024))" "$2" "$status" "$outcome"
}

echo '| case | input size | peak RSS | time | outcome |'
echo '| --- | --- | --- | --- | --- |'
for f in deep-arrays.json deep-objects.json huge-sparse.json \
    one-line-64mib.json one-value-64mib.json misp-64mib.json \
    validity-64mib.json list-589k.txt list-5m.txt bad-lines-5m.txt \
    versions-64mib.json revoked-array.json \
    big-object.json namespaces.ioc attributes.ioc \
    nodes.ioc nodes-under.ioc breaks.ioc pis.ioc attribute-work.ioc \
    deep-objects.xml nested-values.xml wide-row.csv \
    laughs.xml external.ioc regex.json dups-10m.txt \
    wide.csv cells-64mib.csv bad-utf8.txt utf16-no-bom.txt nul.txt; do
    row "$f" "$f" iocs stats "$f"
done
row "sweep, an EVTX header and 1 GiB of zeros as bzip2" evtx-bomb.bz2 \
    sweep evtx-bomb.bz2
row "sweep, a bzip2'd tar of a member of 1,000 bzip2 bombs" \
    nested-bomb.tar.bz2 sweep nested-bomb.tar.bz2
printf '203.0.113.7\n' >long.txt
row "sweep, 16 gzip'd logs of 8 MiB lines, -j 16" long-lines-00.log.gz \
    sweep --iocs long.txt -j 16 --format jsonl -o /dev/null long-lines-*.log.gz
row "sweep, 4 lines of 65,536 hits each, -j 2" dense-hits.log sweep \
    --iocs many-ips.txt -j 2 --format jsonl -o /dev/null dense-hits.log
row "sweep, bundled indicators" log-1gib.log sweep --format jsonl log-1gib.log
printf '192.0.2.1\n203.0.113.9\n' >two.txt
row "sweep, a hit every line" log-1gib.log sweep --iocs two.txt \
    --format jsonl -o /dev/null log-1gib.log
