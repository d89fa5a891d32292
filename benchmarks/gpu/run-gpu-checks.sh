#!/usr/bin/env bash
# The one prepared run for a GPU machine (CUDA, Python with torch and transformers, no .NET). From the repository root,
# after `../shared/device/pack.sh benchmarks/IRanker.Benchmarks/IRanker.Benchmarks.csproj` has made .device/ here:
#   bash benchmarks/gpu/run-gpu-checks.sh
# Runs the .NET checks through the device recipe (bash .device/run.sh gpu ...) and the Hugging Face peer script on the
# same card. Every JSON line goes to $OUT/gpu-results.jsonl (or ./gpu-results/ without OUT) as soon as it is made, and
# $OUT/gpu-comparison.md is rewritten after each shape. The most important results come first: correctness and the
# 0.5B comparison, then training, then 3B. Each step has a time limit so that the whole stays under ~8.5 minutes.
# Exit code: 0 when every check passed and every step finished, 1 otherwise.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${OUT:-$root/gpu-results}
mkdir -p "$out"
results=$out/gpu-results.jsonl
log=$out/gpu-run.log
: > "$results"; : > "$log"
here=$(dirname "$0")

if [[ ! -f .device/run.sh || ! -d .device/app ]]; then
  echo "No .device/ here: run ../shared/device/pack.sh benchmarks/IRanker.Benchmarks/IRanker.Benchmarks.csproj first (docs/gpu.md)." >&2
  exit 2
fi
if [[ ! -f .device/hf_iranker_peer.py ]]; then
  for candidate in ../shared/bench/hf_iranker_peer.py shared/bench/hf_iranker_peer.py; do
    [[ -f $candidate ]] && cp "$candidate" .device/ && break
  done
fi

status=0
# step NAME SECONDS COMMAND...: runs with a time limit, keeps the output in the log, notes a failure. The peer's JSON
# lines (it prints them to standard output) are added to the results file.
step() {
  local name=$1 limit=$2; shift 2
  echo "=== $name (limit ${limit}s) $(date -u +%H:%M:%S)" | tee -a "$log"
  local started=$SECONDS
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$log" | tee "$out/.step-output"
  local rc=${PIPESTATUS[0]}
  grep '^{"peer"' "$out/.step-output" >> "$results"
  rm -f "$out/.step-output"
  echo "=== $name: exit $rc after $((SECONDS - started))s" | tee -a "$log"
  if [[ $rc -ne 0 ]]; then
    status=1
    printf '{"part":"step","case":"%s","pass":false,"error":"exit %s%s"}\n' "$name" "$rc" "$([[ $rc -eq 124 || $rc -eq 137 ]] && echo ' (time limit)')" >> "$results"
  fi
}
compare() { python3 "$here/compare.py" "$results" > "$out/gpu-comparison.md" 2>>"$log" && cat "$out/gpu-comparison.md"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$log"
step "dotnet: runtime, golden, tokenizer, ranking 0.5B" 170 bash .device/run.sh gpu --device cuda --parts runtime,golden,tokenizer,ranking --shapes 0.5B --repeats 2 --out "$results"
if [[ -f .device/hf_iranker_peer.py ]]; then
  step "peer 0.5B" 70 python3 .device/hf_iranker_peer.py --shapes 0.5B --repeats 2
else
  echo "hf_iranker_peer.py is not in .device/: copy ../shared/bench/hf_iranker_peer.py there to compare with the peer." | tee -a "$log"
  status=1
fi
compare
step "dotnet: training 0.5B bfloat16" 100 bash .device/run.sh gpu --device cuda --parts training --out "$results"
step "dotnet: ranking 3B" 130 bash .device/run.sh gpu --device cuda --parts ranking --shapes 3B --repeats 1 --out "$results"
[[ -f .device/hf_iranker_peer.py ]] && step "peer 3B" 60 python3 .device/hf_iranker_peer.py --shapes 3B --repeats 1
compare
grep -q '"pass": *false' "$results" && status=1
echo "Results: $results; table: $out/gpu-comparison.md; log: $log"
exit $status
