#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, JOBS targets at a time (default:
# one per core; each target is single-threaded, so every target still gets SECONDS of a core).
# Fails if any target finds something, after printing the end of its log.
# Usage: fuzz/run.sh BUILD_DIR SECONDS [JOBS]
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
jobs=${3:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One target: its corpus and artifacts under $work; its status in $work/NAME.status.
fuzz_one() {
  local target=$1 name
  name=$(basename "$target")
  mkdir -p "$work/$name"
  printf '[fuzz] %s for %ss\n' "$name" "$seconds" >&2
  if "$target" -max_total_time="$seconds" -print_final_stats=0 -artifact_prefix="$work/$name-" "$work/$name" \
       >"$work/$name.log" 2>&1; then
    echo ok >"$work/$name.status"
  else
    echo failed >"$work/$name.status"
  fi
}

running=0
for target in "$build"/fuzz/*_fuzz; do
  [ -x "$target" ] || continue
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait

found=0
for status in "$work"/*.status; do
  [ -e "$status" ] || continue
  name=$(basename "$status" .status)
  if [ "$(cat "$status")" = ok ]; then
    grep -E '^#[0-9]+.*DONE' "$work/$name.log" | tail -n 1 | sed "s/^/[fuzz] $name: /" >&2 || true
  else
    tail -n 40 "$work/$name.log"
    printf '[fuzz] %s FAILED\n' "$name" >&2
    found=1
  fi
done
[ "$found" -eq 0 ] && printf '[fuzz] all targets ran clean\n' >&2
exit "$found"
