#!/usr/bin/env bash
# Runs one libFuzzer target of Fuzz/ for a while.
#
#   Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# Builds the targets if needed (release, -sanitize fuzzer and address), copies the
# committed seed corpus Fuzz/Corpus/TARGET to a temporary directory (libFuzzer writes new
# inputs into its corpus), runs for SECONDS and prints the execution count. On a crash it
# exits non-zero and keeps the crashing input in Fuzz/crashes/ (not committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
targets="FuzzSelector FuzzConstraint FuzzJSON FuzzDispatcher FuzzCAPI"
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET SECONDS [libFuzzer flags...]; targets: $targets" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
case " $targets " in *" $target "*) ;; *) echo "unknown target $target; targets: $targets" >&2; exit 2 ;; esac
# SwiftPM passes `-sanitize=fuzzer -sanitize=address` to swiftc as two flags, and the
# compiler keeps only the last one: without the combined flag nothing gets libFuzzer's
# coverage instrumentation (the fuzzer runs blind, reporting "no interesting inputs").
flags=(-c release --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address)
# One product at a time (building everything would build the root's executables too, which
# the fuzzer flags break). Incremental: a no-op when nothing changed.
swift build "${flags[@]}" --product "$target" >&2
bin=$(swift build "${flags[@]}" --show-bin-path)/$target
corpus=$(mktemp -d "${TMPDIR:-/tmp}/allot-$target.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp -R "Corpus/$target/." "$corpus/"
mkdir -p crashes
dict=()
[ -f "Dictionaries/$target.dict" ] && dict=(-dict="Dictionaries/$target.dict")
log=$corpus.log
status=0
LSAN_OPTIONS=suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS} SWIFT_BACKTRACE=enable=no "$bin" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$here/crashes/$target-" \
  "$@" 2> "$log" || status=$?
runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || true)
rate=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || true)
cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
echo "$target: ${runs:-?} executions, ${seconds}s budget, ${rate:-?} exec/s on average, ${cov:-no coverage line}, exit $status"
if [ "$status" -eq 72 ]; then
  echo "$target: interrupted (libFuzzer's exit code 72), no crash" >&2
  exit "$status"
fi
if [ "$status" -ne 0 ]; then
  tail -60 "$log" >&2
  echo "$target: FAILED; crashing input in $here/crashes/ (full log $log)" >&2
  trap - EXIT
  rm -rf "$corpus"
  exit "$status"
fi
rm -f "$log"
