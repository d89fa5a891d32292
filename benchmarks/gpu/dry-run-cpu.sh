#!/usr/bin/env bash
# The CPU dry run of the gpu checks: the same .NET parts as run-gpu-checks.sh, at tiny shapes with few lists and steps,
# from a normal build (no peer: it needs torch). From the repository root: bash benchmarks/gpu/dry-run-cpu.sh
# Writes $OUT/gpu-results.jsonl and $OUT/gpu-comparison.md (OUT defaults to a temporary folder). Exit code as the checks'.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${OUT:-$(mktemp -d -t iranker-gpu-dry-XXXXXX)}
mkdir -p "$out"
results=$out/gpu-results.jsonl
: > "$results"
dotnet build benchmarks/IRanker.Benchmarks -c Release -v quiet -nologo || exit 2
app=benchmarks/IRanker.Benchmarks/bin/Release/net10.0/linux-x64/IRanker.Benchmarks
"$app" gpu --device cpu --dry-run --out "$results"
rc=$?
python3 "$(dirname "$0")/compare.py" "$results" > "$out/gpu-comparison.md" && cat "$out/gpu-comparison.md"
echo "Results: $results (exit $rc)"
exit $rc
