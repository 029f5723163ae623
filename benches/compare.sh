#!/usr/bin/env bash
# Times iocsweep against the tools analysts use today (wc -l, GNU grep,
# ripgrep, grepcidr) and against the plain decompressors, on one
# generated corpus, checks iocsweep's hits against the truth, and prints
# a Markdown table with the speed and memory targets.
#
# Usage: benches/compare.sh [--size 100M] [--seed 1] [--dir DIR]
#            [--runs 3] [--million] [--with-rg-i] [--no-build]
set -euo pipefail

SIZE=100M
SEED=1
RUNS=3
DIR=
MILLION=0
WITH_RG_I=0
BUILD=1

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --million) MILLION=1; shift ;;
        --with-rg-i) WITH_RG_I=1; shift ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "compare.sh: unknown argument $1" >&2; usage 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=${DIR:-bench-data/corpus-$SIZE-seed$SEED}
SETS=10000,100000
[ "$MILLION" = 1 ] && SETS=$SETS,1000000
OUT=$DIR/results
INSTALL_HINT="apt-get install -y ripgrep grepcidr hyperfine pigz zstd"

note() { echo "compare.sh: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- build and generate --------------------------------------------------

if [ "$BUILD" = 1 ]; then
    note "building iocsweep (release)"
    cargo build --release --quiet --bin iocsweep
fi
BIN=$ROOT/target/release/iocsweep

gen() { cargo bench --quiet --bench gen -- "$@"; }
# Runs the checker; cargo's complaint about its exit status 1 goes to a log.
check() { gen check "$@" 2>>"$OUT/check.log"; }

PARAMS="size=$SIZE seed=$SEED sets=$SETS"
if [ -f "$DIR/params" ] && [ "$(cat "$DIR/params")" = "$PARAMS" ]; then
    note "reusing the corpus in $DIR"
else
    if [ -e "$DIR" ] && [ ! -f "$DIR/params" ]; then
        note "$DIR exists but holds no kit corpus; pass another --dir"
        exit 2
    fi
    note "generating a $SIZE corpus in $DIR"
    rm -rf "$DIR"
    gen corpus --out "$DIR" --size "$SIZE" --seed "$SEED" --iocs "$SETS"
    echo "$PARAMS" >"$DIR/params"
fi
mkdir -p "$OUT"
: >"$DIR/empty.log"
: >"$OUT/check.log"

# The folder holding the lists and truth of a set size.
set_dir() {
    if [ "$1" = 10000 ]; then echo "$DIR"; else echo "$DIR/iocs-$1"; fi
}

LOGS=("$DIR"/logs/*.log)
BYTES=$(cat "${LOGS[@]}" | wc -c)

# Compressed copies, made once.
if have pigz; then GZIP_CMD=pigz; else GZIP_CMD=gzip; fi
if [ ! -d "$DIR/gz" ]; then
    mkdir -p "$DIR/gz"
    for f in "${LOGS[@]}"; do
        $GZIP_CMD -c "$f" >"$DIR/gz/$(basename "$f").gz"
    done
fi
if have zstd && [ ! -d "$DIR/zst" ]; then
    mkdir -p "$DIR/zst"
    for f in "${LOGS[@]}"; do
        zstd -q -T0 -c "$f" >"$DIR/zst/$(basename "$f").zst"
    done
fi

note "warming the page cache"
cat "$DIR"/logs/* "$DIR"/gz/* "$DIR"/zst/* "$DIR"/iocs*.txt \
    "$DIR"/iocs-*/iocs*.txt >/dev/null 2>&1 || true

# --- timing --------------------------------------------------------------

ROWS=()        # "tool|indicators|seconds|count"
declare -A T   # seconds by key

# Prints the best wall time in seconds of a shell command.
best_time() {
    local key=$1 cmd=$2
    if have hyperfine; then
        # Output goes to a pipe, never /dev/null: GNU grep notices
        # /dev/null and stops at the first match.
        hyperfine --style none --warmup 1 --runs "$RUNS" --ignore-failure \
            --output=pipe --export-json "$OUT/$key.json" "$cmd" \
            >/dev/null 2>&1
        jq -r '.results[0].min' "$OUT/$key.json" 2>/dev/null ||
            grep -m1 '"min"' "$OUT/$key.json" | tr -dc '0-9.'
        return
    fi
    local best= t
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f %e -o "$OUT/$key.time" bash -c "$cmd" \
            2>/dev/null | cat >/dev/null || true
        t=$(tail -1 "$OUT/$key.time")
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
            best=$t
        fi
    done
    echo "$best"
}

# Times a command and records a table row: key, tool, indicators,
# command, match count.
row() {
    local key=$1 tool=$2 n=$3 cmd=$4 count=${5:--}
    note "timing $tool ($n)"
    local s
    s=$(best_time "$key" "$cmd")
    s=$(awk -v s="$s" 'BEGIN { printf "%.3f\n", s }')
    T[$key]=$s
    ROWS+=("$tool|$n|$s|$count")
}

missing() {
    note "$1 is not installed: skipping its rows (install: $INSTALL_HINT)"
    ROWS+=("$1|-|n/a|not installed")
}

# Prints how many lines a command writes (it may exit 1: no match).
count() { { env "$@" || true; } | wc -l; }

row wc "wc -l" - "wc -l ${LOGS[*]}"

Q=$(printf '%q ' "${LOGS[@]}")
for n in ${SETS//,/ }; do
    [ "$n" = 1000000 ] && continue
    d=$(set_dir "$n")
    lit=$(printf '%q' "$d/iocs.literal.txt")
    c=$(count LC_ALL=C grep -h -F -f "$d/iocs.literal.txt" "${LOGS[@]}")
    row "grep-$n" "LC_ALL=C grep -F -f" "$n" \
        "LC_ALL=C grep -F -f $lit $Q" "$c lines"
    c=$(count LC_ALL=C grep -h -i -F -f "$d/iocs.literal.txt" "${LOGS[@]}")
    row "grepi-$n" "LC_ALL=C grep -i -F -f" "$n" \
        "LC_ALL=C grep -i -F -f $lit $Q" "$c lines"
    if have rg; then
        c=$(count rg --no-filename -F -f "$d/iocs.literal.txt" "${LOGS[@]}")
        row "rg-$n" "rg -F -f" "$n" "rg -F -f $lit $Q" "$c lines"
        if [ "$WITH_RG_I" = 1 ]; then
            c=$(count rg --no-filename -i -F -f "$d/iocs.literal.txt" \
                "${LOGS[@]}")
            row "rgi-$n" "rg -i -F -f" "$n" "rg -i -F -f $lit $Q" "$c lines"
        fi
    else
        missing rg
    fi
    if have grepcidr; then
        cidrs=$(printf '%q' "$d/iocs.grepcidr.txt")
        c=$(count grepcidr -f "$d/iocs.grepcidr.txt" "${LOGS[@]}")
        row "grepcidr-$n" "grepcidr -f" "$n" "grepcidr -f $cidrs $Q" \
            "$c lines"
    else
        missing grepcidr
    fi
done

# --- iocsweep ------------------------------------------------------------

declare -A CHECK   # truth check verdict by set size
declare -A RSS     # peak RSS in KiB by set size

# Prints "N records on M lines" for a jsonl file whose records name their
# file in the given field (just "N records" without jq).
records() {
    local n
    n=$(wc -l <"$1")
    if have jq; then
        echo "$n records on $(jq -r "\"\\(.$2):\\(.line)\"" "$1" |
            sort -u | wc -l) lines"
    else
        echo "$n records"
    fi
}

# Runs iocsweep once on the plain logs, checks its records against the
# truth and measures its peak memory; prints nothing on success.
sweep_once() {
    local n=$1 d hits status=0
    d=$(set_dir "$n")
    hits=$OUT/hits-$n.jsonl
    local timer=()
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -f %M -o "$OUT/rss-$n")
    "${timer[@]}" "$BIN" sweep --iocs "$d/iocs.txt" \
        --format jsonl "$DIR/logs" >"$hits" 2>"$OUT/stderr-$n" || status=$?
    [ -x /usr/bin/time ] && RSS[$n]=$(tail -1 "$OUT/rss-$n" | tr -dc 0-9)
    if [ "$status" -gt 1 ]; then
        CHECK[$n]="failed: exit $status, $(head -c 200 "$OUT/stderr-$n")"
        return 1
    fi
    if check --truth "$d/truth.jsonl" --hits "$hits" \
        >"$OUT/check-$n.txt"; then
        CHECK[$n]=$(tail -1 "$OUT/check-$n.txt")
    else
        CHECK[$n]="WRONG: $(head -1 "$OUT/check-$n.txt")"
        CHECK[$n]+=" (see $OUT/check-$n.txt)"
    fi
}

for n in ${SETS//,/ }; do
    d=$(set_dir "$n")
    iocs=$(printf '%q' "$d/iocs.txt")
    if sweep_once "$n"; then
        recs=$(records "$OUT/hits-$n.jsonl" path)
        row "iocsweep-$n" "iocsweep sweep" "$n" \
            "$BIN sweep --iocs $iocs --format jsonl $DIR/logs \
                >$OUT/timed-$n.jsonl" \
            "$recs"
    else
        ROWS+=("iocsweep sweep|$n|n/a|${CHECK[$n]}")
    fi
    # Load and compile alone: the sweep's own throughput is the total
    # minus this.
    row "load-$n" "iocsweep load+compile (empty input)" "$n" \
        "$BIN sweep --iocs $iocs --format jsonl $DIR/empty.log"
done

# Times a decompressor alone (one stream after another, then one process
# per core) and iocsweep on the compressed copies.
compressed() {
    local ext=$1 tool=$2 files
    files=$(printf '%q ' "$DIR/$ext"/*)
    row "$ext-dc" "$tool -dc" - "$tool -dc $files >/dev/null"
    row "$ext-dc-par" "$tool -dc, $(nproc) processes" - \
        "printf '%s\n' $files | xargs -P $(nproc) -n 1 $tool -dc >/dev/null"
    local status=0
    "$BIN" sweep --iocs "$DIR/iocs.txt" --format jsonl "$DIR/$ext" \
        >"$OUT/hits-$ext.jsonl" 2>"$OUT/stderr-$ext" || status=$?
    if [ "$status" -gt 1 ]; then
        note "iocsweep on .$ext: exit $status:" \
            "$(head -c 200 "$OUT/stderr-$ext")"
        ROWS+=("iocsweep sweep (.$ext)|10000|n/a|unsupported or failed")
        return
    fi
    if check --truth "$DIR/truth.jsonl" --hits "$OUT/hits-$ext.jsonl" \
        >"$OUT/check-$ext.txt"; then
        CHECK[$ext]=$(tail -1 "$OUT/check-$ext.txt")
    else
        CHECK[$ext]="WRONG (see $OUT/check-$ext.txt)"
    fi
    row "iocsweep-$ext" "iocsweep sweep (.$ext)" 10000 \
        "$BIN sweep --iocs $DIR/iocs.txt --format jsonl $DIR/$ext >/dev/null" \
        "${CHECK[$ext]}"
}

compressed gz gzip
if have zstd; then compressed zst zstd; else missing zstd; fi

# --- report --------------------------------------------------------------

# Prints a/b with two decimals, or "n/a".
ratio() {
    awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {
        if (a == "" || b == "" || a == "n/a" || b == "n/a" || b == 0)
            print "n/a"; else printf "%.2f\n", a / b }'
}

mibs() {
    awk -v s="$1" -v b="$BYTES" 'BEGIN {
        if (s == "n/a" || s == 0) print "n/a";
        else printf "%.0f\n", b / 1048576 / s }'
}

# Returns the smallest of the given times (ignoring empty ones).
fastest() {
    printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | head -1
}

# Prints "met" or "MISSED by X" for got <= limit, in a unit; a target
# counts only where the hits equal the truth (exact is 1).
verdict() {
    local got=$1 limit=$2 unit=${3:-s} exact=${4:-}
    if [ -z "$got" ] || [ -z "$limit" ] || [ "$limit" = 0 ]; then
        echo "not measured"
        return
    fi
    if [ "$exact" != 1 ]; then
        echo "NOT MET: the hits differ from the truth ($got $unit)"
        return
    fi
    awk -v g="$got" -v l="$limit" -v u="$unit" 'BEGIN {
        if (g <= l) printf "met (%.3f %s <= %.3f %s)\n", g, u, l, u;
        else printf "MISSED by %.2fx (%.3f %s > %.3f %s)\n", g / l, g, u, l, u
    }'
}

report() {
    echo "# iocsweep comparison, $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- |
        sed 's/^ //'), $(nproc) cores, Linux $(uname -r)"
    echo "Corpus: $SIZE ($BYTES bytes) in 6 files, seed $SEED," \
        "page-cached;" \
        "best of $RUNS runs$(have hyperfine && echo ' (hyperfine)')."
    echo
    echo "| tool | indicators | wall s | MiB/s | ratio to iocsweep | hits |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    local r tool n s count base
    for r in "${ROWS[@]}"; do
        IFS='|' read -r tool n s count <<<"$r"
        if [ "$n" = - ]; then base=${T[iocsweep-10000]:-}
        else base=${T[iocsweep-$n]:-}; fi
        echo "| \`$tool\` | $n | $s | $(mibs "$s") | $(ratio "$s" "$base") |" \
            "$count |"
    done
    echo
    echo "grep, rg and grepcidr read literal lists: their hit counts are" \
        "matching lines and include false hits and misses; iocsweep's are" \
        "records, checked against the truth."
    echo
    echo "## Truth"
    echo
    local k
    for k in ${SETS//,/ }; do
        echo "- $k indicators: the truth is $(records \
            "$(set_dir "$k")/truth.jsonl" file)"
    done
    for k in ${SETS//,/ } gz zst; do
        [ -n "${CHECK[$k]:-}" ] && echo "- iocsweep, $k: ${CHECK[$k]}"
    done
    echo
    echo "## Targets"
    echo
    local g10 g100 ok10= ok100= okgz= okzst= ok1m=
    exact() { case "${CHECK[$1]:-}" in *"all matched"*) echo 1 ;; esac; }
    ok10=$(exact 10000) ok100=$(exact 100000) ok1m=$(exact 1000000)
    okgz=$(exact gz) okzst=$(exact zst)
    g10=$(fastest "${T[grep-10000]:-}" "${T[grepi-10000]:-}" \
        "${T[rg-10000]:-}" "${T[rgi-10000]:-}")
    g100=$(fastest "${T[grep-100000]:-}" "${T[grepi-100000]:-}" \
        "${T[rg-100000]:-}" "${T[rgi-100000]:-}")
    echo "- 10k indicators, at most half the fastest grep/rg:" \
        "$(verdict "${T[iocsweep-10000]:-}" \
            "$(awk -v x="$g10" 'BEGIN{print x/2}')" s "$ok10")"
    echo "- 100k indicators, at most a quarter of the fastest grep/rg:" \
        "$(verdict "${T[iocsweep-100000]:-}" \
            "$(awk -v x="$g100" 'BEGIN{print x/4}')" s "$ok100")"
    echo "- within 10x of wc -l:" \
        "$(verdict "${T[iocsweep-10000]:-}" \
            "$(awk -v x="${T[wc]}" 'BEGIN{print x*10}')" s "$ok10")"
    local gz=${T[gz-dc-par]:-} zs=${T[zst-dc-par]:-}
    echo "- .gz at >= 90% of gzip -dc on every core:" \
        "$(verdict "${T[iocsweep-gz]:-}" \
            "$( [ -n "$gz" ] && awk -v x="$gz" 'BEGIN{print x/0.9}')" \
            s "$okgz")"
    echo "- .zst at >= 90% of zstd -dc on every core:" \
        "$(verdict "${T[iocsweep-zst]:-}" \
            "$( [ -n "$zs" ] && awk -v x="$zs" 'BEGIN{print x/0.9}')" \
            s "$okzst")"
    if [ "$MILLION" = 1 ]; then
        echo "- 1M indicators, load and compile under 5 s:" \
            "$(verdict "${T[load-1000000]:-}" 5 s "$ok1m")"
        echo "- 1M indicators, peak memory under 1 GiB:" \
            "$(verdict "${RSS[1000000]:-}" 1048576 KiB "$ok1m")"
        # Sweep time without loading: total minus load+compile.
        local s1m s10k
        s1m=$(awk -v t="${T[iocsweep-1000000]:-0}" \
            -v l="${T[load-1000000]:-0}" 'BEGIN{printf "%.3f", t-l}')
        s10k=$(awk -v t="${T[iocsweep-10000]:-0}" \
            -v l="${T[load-10000]:-0}" 'BEGIN{printf "%.3f", t-l}')
        echo "- 1M indicators, sweep (minus load) within 2x of 10k:" \
            "$(verdict "$s1m" \
                "$(awk -v x="$s10k" 'BEGIN{print x*2}')" \
                s "$ok1m")"
    else
        echo "- 1M indicators: not run (pass --million)"
    fi
    echo "- memory flat as logs grow: not measured here; compare the" \
        "peak RSS below across --size 1G and --size 10G runs"
    echo
    for k in ${SETS//,/ }; do
        [ -n "${RSS[$k]:-}" ] && echo "Peak RSS of iocsweep, $k indicators:" \
            "$(( ${RSS[$k]} / 1024 )) MiB"
    done
    for t in rg grepcidr hyperfine pigz zstd; do
        have "$t" || echo "Not installed: $t ($INSTALL_HINT)"
    done
    true
}

report | tee "$OUT/results.md"
