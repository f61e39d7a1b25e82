#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each; fails on the first finding.
# Usage: fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
found=0
for target in "$build"/fuzz/*_fuzz; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  mkdir -p "$work/$name"
  printf '[fuzz] %s for %ss\n' "$name" "$seconds" >&2
  if ! "$target" -max_total_time="$seconds" -print_final_stats=0 -artifact_prefix="$work/$name-" "$work/$name" \
       >"$work/$name.log" 2>&1; then
    tail -n 40 "$work/$name.log"
    printf '[fuzz] %s FAILED\n' "$name" >&2
    found=1
  else
    grep -E '^#[0-9]+.*DONE' "$work/$name.log" | tail -n 1 >&2 || true
  fi
done
[ "$found" -eq 0 ] && printf '[fuzz] all targets ran clean\n' >&2
exit "$found"
