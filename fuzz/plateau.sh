#!/bin/sh
# Runs one fuzz target until its coverage of our own code stops growing.
#
#   fuzz/plateau.sh TARGET [MINUTES [SEGMENTS [FLAT]]]
#
# From the repository root, after `cargo +nightly fuzz build -O TARGET`.
# Merges fuzz/seeds/TARGET and the kept corpus fuzz/kept/TARGET (see
# fuzz/keep.sh) into fuzz/corpus/TARGET, then fuzzes in
# segments of MINUTES (10), at most SEGMENTS (12), replaying the corpus
# after each one to count the edges covered in our own code
# (fuzz/owncov.py), and stops after a segment past the first that adds
# FLAT edges or fewer (2); the first is not judged, as new seeds or a new
# build show there. A few edges come and go between replays of the same
# corpus (threads), so FLAT is not 0. EXCLUDE, a regular
# expression, leaves files out of the count (load_jsonl embeds the STIX 2
# and MISP readers, which their own targets judge:
# EXCLUDE='^src/load/(stix2/|misp)'). A second process may fuzz the same
# corpus beside it (`fuzz/target/…/TARGET fuzz/corpus/TARGET -dict=…`):
# libFuzzer reads in what the other adds.
# Logs and replays go to fuzz/plateau/TARGET/; the last line of its
# `summary` is the verdict. Exits 1 on a finding, which libFuzzer writes
# to fuzz/artifacts/TARGET/.
set -u
t=${1:?usage: fuzz/plateau.sh TARGET [MINUTES [SEGMENTS [FLAT]]]}
minutes=${2:-10}
segments=${3:-12}
flat=${4:-2}
bin=fuzz/target/x86_64-unknown-linux-gnu/release/$t
corpus=fuzz/corpus/$t
seeds=
for d in "fuzz/seeds/$t" "fuzz/kept/$t"; do
  [ -d "$d" ] && seeds="$seeds $d"
done
log=fuzz/plateau/$t
[ -x "$bin" ] || { echo "no $bin: cargo +nightly fuzz build -O $t" >&2; exit 2; }
mkdir -p "$corpus" "$log" "fuzz/artifacts/$t"
case $t in
  sweep_*|matcher|time|evtx|json_output) dict=fuzz/dicts/sweep.dict ;;
  *) dict=fuzz/dicts/load.dict ;;
esac
case $t in evtx) len=69632 ;; *) len=4096 ;; esac
opts="-max_len=$len -rss_limit_mb=2048 -timeout=20"
count() {
  if [ -n "${EXCLUDE:-}" ]; then
    python3 fuzz/owncov.py -x "$EXCLUDE" "$1"
  else
    python3 fuzz/owncov.py "$1"
  fi
}
replay() {
  "$bin" -runs=0 -print_coverage=1 $opts "$corpus" > "$log/replay$1.log" 2>&1
  count "$log/replay$1.log"
}
say() { echo "$(date -u +%FT%H:%MZ) $*" | tee -a "$log/summary"; }
if [ -n "$seeds" ]; then
  # shellcheck disable=SC2086 # one word a folder
  "$bin" -merge=1 $opts "$corpus" $seeds > "$log/merge.log" 2>&1
fi
last=$(replay 0)
say "start: $last edges, $(ls "$corpus" | wc -l) files"
i=1
while [ "$i" -le "$segments" ]; do
  "$bin" "$corpus" -dict="$dict" $opts -max_total_time=$((minutes * 60)) \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" \
    > "$log/segment$i.log" 2>&1
  rc=$?
  execs=$(grep -a 'stat::number_of_executed_units' "$log/segment$i.log" \
    | awk '{print $2}')
  now=$(replay "$i")
  gain=$((now - last))
  say "segment $i: $minutes min, ${execs:-?} execs, $now edges ($gain)"
  if [ "$rc" -ne 0 ]; then
    say "finding: see $log/segment$i.log and fuzz/artifacts/$t/"
    exit 1
  fi
  if [ "$i" -ge 2 ] && [ "$gain" -le "$flat" ]; then
    say "flat: +$gain in segment $i"
    exit 0
  fi
  last=$now
  i=$((i + 1))
done
say "not flat after $segments segments"
