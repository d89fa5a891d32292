#!/usr/bin/env bash
# The quickstart (default: --quick) with glibc's allocator untuned (IRANKER_MALLOC_TUNING=0, "before") and as the
# library tunes it ("after"), interleaved, REPEATS pairs. Prints wall, user and system seconds, peak RSS and the mean
# number of the process's runnable threads (sampled every 0.5 s). docs/benchmarks.md, "Native allocator".
# Usage: benchmarks/allocator/quickstart-ab.sh [REPEATS] [quickstart options...]   (build the quickstart in Release first)
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-2}; shift || true
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--quick)
dll=samples/IRanker.Quickstart/bin/Release/net10.0/linux-x64/IRanker.Quickstart.dll
out=$(mktemp -d "${TMPDIR:-/tmp}/iranker-allocator-ab.XXXXXX")
for i in $(seq "$repeats"); do
  for run in before after; do
    tuning=1; [ $run = before ] && tuning=0
    load=$(cut -d' ' -f1 /proc/loadavg)
    IRANKER_MALLOC_TUNING=$tuning /usr/bin/time -f "%e %U %S %M" -o "$out/$run-$i.time" \
      dotnet "$dll" "${args[@]}" --output "$out/$run-$i" > "$out/$run-$i.log" 2>&1 &
    timer=$!
    sleep 1
    pid=$(pgrep -f -- "--output $out/$run-$i" | grep -v "^$timer\$" | tail -1 || true)
    : > "$out/$run-$i.threads"
    while kill -0 $timer 2>/dev/null; do
      [ -n "$pid" ] && { cat /proc/$pid/task/*/stat 2>/dev/null | awk '{print $3}' | grep -c R || true; } >> "$out/$run-$i.threads"
      sleep 0.5
    done
    wait $timer
    read -r wall user sys rss < <(tail -1 "$out/$run-$i.time")
    threads=$(awk '{s+=$1;n++} END {if(n) printf "%.2f", s/n}' "$out/$run-$i.threads")
    share=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f", 100*s/(u+s)}')
    echo "| $run | $i | $wall | $user | $sys | $share% | $((rss / 1024)) | $threads | $load |"
  done
done
rm -rf "$out"
