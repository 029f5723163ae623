#!/bin/sh
# Minimises a target's corpus into the one the repository keeps.
#
#   fuzz/keep.sh TARGET
#
# From the repository root, after `cargo +nightly fuzz build -O TARGET`.
# Merges fuzz/kept/TARGET and fuzz/corpus/TARGET into a new folder, which
# keeps the smallest inputs that cover all they cover, and puts it in
# place of fuzz/kept/TARGET; fuzz/plateau.sh merges that folder into the
# corpus, so that a run on a new machine goes on where the kept one
# stopped. Only a corpus grown from the repository's own seeds (fuzz/seeds,
# fuzz/gen) may be kept: one that was given files of ../shared/corpus, or
# lines of them, holds their text, which stays out of the repository.
set -eu
t=${1:?usage: fuzz/keep.sh TARGET}
bin=fuzz/target/x86_64-unknown-linux-gnu/release/$t
[ -x "$bin" ] || { echo "no $bin: cargo +nightly fuzz build -O $t" >&2; exit 2; }
case $t in evtx) len=69632 ;; *) len=4096 ;; esac
kept=fuzz/kept/$t
new=fuzz/kept/.$t.new
rm -rf "$new"
mkdir -p "$new" "$kept"
"$bin" -merge=1 -max_len=$len -rss_limit_mb=2048 -timeout=20 \
  "$new" "$kept" "fuzz/corpus/$t" > "fuzz/kept/.$t.log" 2>&1 || {
  echo "merge failed: see fuzz/kept/.$t.log" >&2
  exit 1
}
rm -rf "$kept"
mv "$new" "$kept"
echo "$kept: $(ls "$kept" | wc -l) files," \
  "$(find "$kept" -type f -printf '%s\n' | awk '{s += $1} END {print s}') bytes"
