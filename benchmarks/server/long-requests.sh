#!/usr/bin/env bash
# Latency of long Cohere rerank requests at 1 client (a benchmark, not CI): starts the real server on the quickstart's
# model on 127.0.0.1 and sends, one at a time, REPS requests each of 100, 300 and 1,000 documents (make_bodies.py: the
# quickstart's test and train passages, top_n 3); prints one JSON line per request (documents, seconds, status, the
# schedule named in the response's meta, and the server process's CPU seconds for it, user and system, which a machine
# shared with other work changes less than the wall time) and the server's peak RSS. Results go to $OUT (default artifacts/server-long).
#
# Usage: benchmarks/server/long-requests.sh [model.zip]
#   SIZES (default "100 300 1000"), REPS (default 3), PORT (default 8383), SERVER_DLL (default the Release build),
#   SERVER_ARGS (e.g. "--IRanker:LongListDocuments=1000" ranks every size with the model's own schedule)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/server"
model="$(realpath "${1:-${MODEL:-artifacts/quickstart/iranker-model.zip}}")"
sizes="${SIZES:-100 300 1000}"
reps="${REPS:-3}"
port="${PORT:-8383}"
out="${OUT:-$root/artifacts/server-long}"
base="http://127.0.0.1:$port"
dll="${SERVER_DLL:-$root/src/IRanker.Server/bin/Release/net10.0/linux-x64/IRanker.Server.dll}"
[[ -f "$model" ]] || { echo "No model at $model: run the quickstart first (see load-and-fault.sh)." >&2; exit 2; }
mkdir -p "$out"
[[ -n "${SERVER_DLL:-}" ]] || dotnet build "$root/src/IRanker.Server" -c Release -v quiet -nologo >/dev/null
# shellcheck disable=SC2086
python3 "$here/make_bodies.py" "$(dirname "$model")/ranking-bench-mini" "$out" $sizes
# shellcheck disable=SC2086
dotnet "$dll" --model "$model" --urls "$base" ${SERVER_ARGS:-} > "$out/server.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  if curl -fs "$base/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
  sleep 0.5
done
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$pid/stat"; }   # utime + stime, in clock ticks of 1/100 s
: > "$out/results.jsonl"
for n in $sizes; do
  for r in $(seq 1 "$reps"); do
    before=$(cpu)
    line=$(curl -s -o "$out/answer.json" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' --data-binary "@$out/body-$n.json" "$base/v1/rerank")
    schedule=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("meta", {}).get("schedule"))' "$out/answer.json" 2>/dev/null || echo "?")
    echo "{\"documents\": $n, \"rep\": $r, \"status\": ${line%% *}, \"seconds\": ${line##* }, \"schedule\": \"$schedule\", \"cpu_seconds\": $(awk "BEGIN {printf \"%.1f\", $(cpu) - $before}"), \"load1\": $(cut -d' ' -f1 /proc/loadavg)}" | tee -a "$out/results.jsonl"
  done
done
echo "{\"peak_rss_mib\": $(awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$pid/status")}" | tee -a "$out/results.jsonl"
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
