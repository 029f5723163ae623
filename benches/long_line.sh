#!/usr/bin/env bash
# Peak memory and wall time of sweeping one 200 MiB line.
#
# Writes a single line of blank-separated key=value fields, 200 MiB long,
# with one indicator 1 KiB before its end, as plain text (read, then
# memory-mapped) and gzip'd, and sweeps each with /usr/bin/time. Prints peak RSS and wall time; fails
# unless each sweep finds exactly the one hit. Measures, asserts no
# memory figure.
#
# Usage: benches/long_line.sh [DIR]   (default: bench-data/long-line)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-bench-data/long-line}
size=$((200 * 1024 * 1024))
mkdir -p "$dir"

cargo build --release --quiet
bin=target/release/iocsweep
printf '192.0.2.1\n' > "$dir/iocs.txt"

if [ ! -s "$dir/line.log" ] || [ "$(stat -c %s "$dir/line.log")" != $((size + 1)) ]; then
    python3 - "$dir/line.log" "$size" <<'PY'
import sys
path, size = sys.argv[1], int(sys.argv[2])
tail = b" src=192.0.2.1 " + b"k=v " * 256
tail = tail[:1024]
field = b"key=value "
block = field * ((1 << 20) // len(field) + 1)
with open(path, "wb") as f:
    left = size - len(tail)
    while left > 0:
        n = min(left, len(block))
        f.write(block[:n])
        left -= n
    f.write(tail)
    f.write(b"\n")
PY
fi
if [ ! -s "$dir/line.log.gz" ]; then
    gzip -1 -c "$dir/line.log" > "$dir/line.log.gz"
fi

# A plain file modified in the last 5 minutes is read with read(); one
# left alone longer is memory-mapped. Measure both.
cp "$dir/line.log" "$dir/line-mapped.log" 2>/dev/null || true
touch "$dir/line.log"
touch -d '1 hour ago' "$dir/line-mapped.log"

echo "| input | how read | size | hits | peak RSS | wall time |"
echo "| --- | --- | --- | --- | --- | --- |"
for f in line.log line-mapped.log line.log.gz; do
    case $f in
        line.log) how="read()" ;;
        line-mapped.log) how="mapped" ;;
        *) how="gzip stream" ;;
    esac
    path="$dir/$f"
    out=$(mktemp)
    times=$(mktemp)
    status=0
    /usr/bin/time -f '%M %e' -o "$times" "$bin" sweep -q --format jsonl \
        --iocs "$dir/iocs.txt" "$path" > "$out" || status=$?
    hits=$(wc -l < "$out")
    if [ "$status" != 1 ] || [ "$hits" != 1 ]; then
        echo "long_line.sh: $f: status $status, $hits hits; want 1 and 1" >&2
        exit 1
    fi
    # time(1) may put "Command exited with non-zero status 1" first.
    read -r rss wall < <(tail -n 1 "$times")
    size=$(numfmt --to=iec-i --suffix=B "$(stat -c %s "$path")")
    echo "| $f | $how | $size | $hits | $((rss / 1024)) MiB | $wall s |"
    rm -f "$out" "$times"
done
