#!/usr/bin/env bash
# Soak test of IRanker.Server on 127.0.0.1 (a benchmark, not CI): the real server on the quickstart's model under wrk
# at 32 clients with a mix of request sizes (Cohere v1 reranks of 3, 9 and 100 documents, weights 5:4:1) for 20
# minutes, the server's memory sampled every 10 s, and a hostile burst every 5 minutes (96 clients send a 30-document
# request at once, every third hangs up after 50 ms, and 16 more send 100 documents). Results go to $OUT (default
# artifacts/server-soak): samples.jsonl (one line per sample), bursts.jsonl, wrk.json, the server's log and metrics,
# and summary.md (soak_summary.py) for docs/benchmarks.md.
#
# Usage: benchmarks/server/soak.sh [model.zip]
#   MODEL default: artifacts/quickstart/iranker-model.zip (dotnet run --project samples/IRanker.Quickstart -c Release -- --quick --output artifacts/quickstart)
#   DURATION (s, default 1200), BURST_EVERY (s, default 300), SAMPLE_EVERY (s, default 10), CLIENTS (default 32),
#   MIX (default "3:5,9:4,100:1"), PORT (default 8282), SERVER_DLL (default the Release build, built first),
#   SERVER_ARGS (more server settings, e.g. "--IRanker:MaxMemoryMB=800"); the environment reaches the server
#   (e.g. IRANKER_MALLOC_TUNING=0).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/server"
model="$(realpath "${1:-${MODEL:-artifacts/quickstart/iranker-model.zip}}")"
duration="${DURATION:-1200}"
burst_every="${BURST_EVERY:-300}"
sample_every="${SAMPLE_EVERY:-10}"
clients="${CLIENTS:-32}"
port="${PORT:-8282}"
out="${OUT:-$root/artifacts/server-soak}"
base="http://127.0.0.1:$port"
dll="${SERVER_DLL:-$root/src/IRanker.Server/bin/Release/net10.0/linux-x64/IRanker.Server.dll}"
[[ -f "$model" ]] || { echo "No model at $model: run the quickstart first (see the header of this script)." >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)." >&2; exit 2; }
mkdir -p "$out"
rm -f "$out"/samples.jsonl "$out"/bursts.jsonl "$out"/wrk.json "$out"/stop-sampler
[[ -n "${SERVER_DLL:-}" ]] || dotnet build "$root/src/IRanker.Server" -c Release -v quiet -nologo >/dev/null
python3 "$here/make_bodies.py" "$(dirname "$model")/ranking-bench-mini" "$out" 3 9 30 100

# shellcheck disable=SC2086
dotnet "$dll" --model "$model" --urls "$base" ${SERVER_ARGS:-} > "$out/server.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  if curl -fs "$base/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "$base/health/ready" >/dev/null || { echo "The server did not become ready in 120 s." >&2; exit 1; }

rss_mib() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status"; }
metric() {   # $1: the metrics text, $2: a sample's name with its labels (a regular expression); MiB for *_bytes
  awk -v pattern="^$2 " '$0 ~ pattern {v = $NF} END {if (v == "") print "null"; else if (pattern ~ /bytes/) printf "%d", v / 1048576; else printf "%d", v}' <<< "$1"
}
count() {   # $1: the metrics text, $2: a regular expression of statuses: the /v1/rerank answers with them so far
  awk -v pattern="^iranker_http_requests_total\\{route=\"/v1/rerank\",method=\"POST\",status=\"$2\"\\} " '$0 ~ pattern {n += $NF} END {printf "%d", n}' <<< "$1"
}
sample() {   # $1: seconds since the start of the load
  local m
  m=$(curl -s --max-time 5 "$base/metrics" || true)
  echo "{\"t\": $1, \"rss_mib\": $(rss_mib), \"gc_heap_mib\": $(metric "$m" dotnet_gc_heap_bytes), \"gc_committed_mib\": $(metric "$m" dotnet_gc_committed_bytes), \"native_in_use_mib\": $(metric "$m" 'iranker_native_heap_bytes\{state="in_use"\}'), \"native_free_mib\": $(metric "$m" 'iranker_native_heap_bytes\{state="free"\}'), \"native_arenas\": $(metric "$m" iranker_native_arenas), \"rerank_2xx\": $(count "$m" '2..'), \"rerank_429\": $(count "$m" 429), \"rerank_other\": $(count "$m" '([0135-9]..|4[013-9].|42[0-8])'), \"load1\": $(cut -d' ' -f1 /proc/loadavg)}"
}

start=$(date +%s)
( while [[ ! -f "$out/stop-sampler" ]]; do sample $(( $(date +%s) - start )) >> "$out/samples.jsonl"; sleep "$sample_every"; done ) &
sampler=$!
BODY_DIR="$out" MIX="${MIX:-3:5,9:4,100:1}" wrk -t 2 -c "$clients" -d "${duration}s" --timeout 120s -s "$here/mix.lua" "$base/v1/rerank" | tail -1 > "$out/wrk.json" &
load=$!
for k in $(seq 1 $(( duration / burst_every ))); do
  at=$(( start + k * burst_every ))
  now=$(date +%s)
  (( at > now )) && sleep $(( at - now ))
  began=$(date +%s)
  before=$(rss_mib)
  result=$(python3 "$here/fault_client.py" hostile "$port" "$out/body-30.json" "$out/body-100.json" 96 16)
  echo "{\"t\": $(( began - start )), \"seconds\": $(( $(date +%s) - began )), \"rss_before_mib\": $before, \"rss_after_mib\": $(rss_mib), \"result\": $result}" | tee -a "$out/bursts.jsonl"
done
wait "$load"
sleep 5
sample $(( $(date +%s) - start )) >> "$out/samples.jsonl"
touch "$out/stop-sampler"
wait "$sampler"
curl -s "$base/metrics" > "$out/metrics.txt"
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
trap - EXIT
echo "{\"exit_code\": $code}" > "$out/exit.json"
python3 "$here/soak_summary.py" "$out" | tee "$out/summary.md"
