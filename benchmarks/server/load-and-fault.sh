#!/usr/bin/env bash
# Load and fault test of IRanker.Server on 127.0.0.1 (a benchmark, not CI): starts the real server on the quickstart's
# model and drives it with wrk at 1, 8 and 32 concurrent clients, with batching across requests on and then off,
# then runs the faults (disconnecting clients, a 10 MB body, 100,000 documents, malformed JSON, a slow body, a burst
# over the queue limit, SIGTERM with requests in flight) and checks that the server answers each correctly and keeps
# serving. Results go to $OUT (default artifacts/server-bench): results.jsonl and a summary.md for docs/benchmarks.md.
#
# Usage: benchmarks/server/load-and-fault.sh [model.zip]
#   MODEL default: artifacts/quickstart/iranker-model.zip (dotnet run --project samples/IRanker.Quickstart -c Release -- --quick --output artifacts/quickstart)
#   DURATION (s, default 60), CLIENTS (default "1 8 32"), PORT (default 8181), SDK_CHECK=1 also runs cohere-sdk-check.sh,
#   LOAD=0 runs the faults only
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/server"
model="$(realpath "${1:-${MODEL:-artifacts/quickstart/iranker-model.zip}}")"
duration="${DURATION:-60}"
clients="${CLIENTS:-1 8 32}"
port="${PORT:-8181}"
out="${OUT:-$root/artifacts/server-bench}"
base="http://127.0.0.1:$port"
dll="$root/src/IRanker.Server/bin/Release/net10.0/linux-x64/IRanker.Server.dll"
[[ -f "$model" ]] || { echo "No model at $model: run the quickstart first (see the header of this script)." >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)." >&2; exit 2; }
mkdir -p "$out"
: > "$out/results.jsonl"
dotnet build "$root/src/IRanker.Server" -c Release -v quiet -nologo >/dev/null

# The load: the first list of the longest passage task of the quickstart's test split, as a Cohere v1 rerank request.
python3 - "$(dirname "$model")/ranking-bench-mini/test.tsv" "$out/body.json" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t") if r["Task"].startswith("Passage-")]
longest = max(int(r["Task"].split("-")[1]) for r in rows)
rows = [r for r in rows if r["Task"] == f"Passage-{longest}"]
group = rows[0]["GroupId"]
lists = [r for r in rows if r["GroupId"] == group]
json.dump({"query": lists[0]["Query"], "documents": [r["Candidate"] for r in lists], "top_n": 3}, open(sys.argv[2], "w"))
PY
python3 - "$out/body.json" "$out/body-50.json" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
json.dump({"query": body["query"], "documents": (body["documents"] * 5)[:50]}, open(sys.argv[2], "w"))
PY

pid=""
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
record() { echo "$1" | tee -a "$out/results.jsonl"; }

start_server() {   # $1: a name for the log, $2: batching true|false
  local log="$out/server-$1.log"
  dotnet "$dll" --model "$model" --urls "$base" --batching "$2" --IRanker:ShutdownTimeoutSeconds=30 > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    if curl -fs "$base/health/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "The server did not become ready in 120 s." >&2; exit 1
}

stop_server() {   # sets stop_code
  kill -TERM "$pid"
  stop_code=0
  wait "$pid" || stop_code=$?
}

valid_request_status() {
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$out/body.json" "$base/v1/rerank"
}

# ---- Load: batching on, then off --------------------------------------------------------------------------------------
for batching in true false; do
  [[ "${LOAD:-1}" == 0 ]] && break
  start_server "load-batching-$batching" "$batching"
  # Warm-up, not recorded: the first rankings of each batch shape are slower.
  BODY_FILE="$out/body.json" wrk -t 2 -c "${clients##* }" -d 10s --timeout 120s -s "$here/post.lua" "$base/v1/rerank" >/dev/null
  for c in $clients; do
    before=$(rss_kib)
    line=$(BODY_FILE="$out/body.json" wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${duration}s" --timeout 120s -s "$here/post.lua" "$base/v1/rerank" | tail -1)
    after=$(rss_kib)
    record "{\"kind\": \"load\", \"batching\": $batching, \"clients\": $c, \"rss_before_mib\": $((before / 1024)), \"rss_after_mib\": $((after / 1024)), \"wrk\": $line}"
  done
  curl -s "$base/metrics" > "$out/metrics-batching-$batching.txt"
  stop_server
  record "{\"kind\": \"stop\", \"batching\": $batching, \"exit_code\": $stop_code}"
done

# ---- Faults (batching on, default limits) -----------------------------------------------------------------------------
start_server faults true
rss_start=$(rss_kib)
check() {   # $1: the fault, $2: its JSON result
  local status
  status=$(valid_request_status)
  record "{\"kind\": \"fault\", \"fault\": \"$1\", \"result\": $2, \"valid_request_after\": $status, \"rss_mib\": $(( $(rss_kib) / 1024 ))}"
}
result=$(python3 "$here/fault_client.py" disconnect "$port" "$out/body-50.json" 64 20)
sleep 5
counted=$(curl -s "$base/metrics" | grep -E '^iranker_cancelled_total|status="499"' | sed 's/"/\\"/g' | paste -sd ';' -)
check "clients disconnecting mid-request (64 clients hang up after 20 ms)" "{\"clients\": $result, \"metrics\": \"$counted\"}"
python3 -c 'import json; json.dump({"query": "q", "documents": ["x" * (10 * 1024 * 1024)]}, open("'"$out"'/body-10mb.json", "w"))'
code=$(curl -s -o "$out/problem.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$out/body-10mb.json" "$base/v1/rerank")
check "10 MB body" "{\"status\": $code, \"problem\": $(cat "$out/problem.json")}"
rm -f "$out/body-10mb.json"
check "100,000 documents" "$(python3 "$here/fault_client.py" body "$port" /v2/rerank 100k-docs)"
for bad in '{"query": "q", "documents": [' 'not json at all' '{"query": "q", "documents": "x"}' '[1, 2]' '{"query": 1, "documents": ["a"]}'; do
  code=$(curl -s -o "$out/problem.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$bad" "$base/v1/rerank")
  check "malformed JSON: $(printf '%s' "$bad" | sed 's/"/\\"/g')" "{\"status\": $code, \"field\": $(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])).get("field")))' "$out/problem.json")}"
done
python3 "$here/fault_client.py" slowbody "$port" 40 > "$out/slowbody.json" &
slow=$!
sleep 2
during=$(valid_request_status)
wait "$slow"
check "slow body (1 byte/s; a valid request sent meanwhile got $during)" "$(cat "$out/slowbody.json")"
check "burst of 300 requests at once (queue capacity 64)" "$(python3 "$here/fault_client.py" burst "$port" "$out/body.json" 300)"
curl -s "$base/metrics" > "$out/metrics-faults.txt"
record "{\"kind\": \"fault-summary\", \"rss_start_mib\": $((rss_start / 1024)), \"rss_end_mib\": $(( $(rss_kib) / 1024 )), \"status_5xx_lines\": $(grep -v '/health/' "$out/metrics-faults.txt" | grep -c 'status="5' || true)}"

if [[ "${SDK_CHECK:-0}" == 1 ]]; then "$here/cohere-sdk-check.sh" "$base" | tee "$out/cohere-sdk.txt"; fi

# SIGTERM with 4 requests of 50 documents in flight: they finish (within the 30 s shutdown timeout), then the server
# exits 0.
rm -f "$out/sigterm-statuses.txt"
for i in $(seq 1 4); do
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' --data-binary "@$out/body-50.json" "$base/v1/rerank" >> "$out/sigterm-statuses.txt" &
done
for _ in $(seq 1 100); do   # until all 4 are inside the server (queued or ranking), at most 10 s
  inside=$(curl -s "$base/metrics" | awk '/^iranker_(queue_depth|inflight_requests) / {n += $2} END {print n + 0}')
  [[ "$inside" -ge 4 ]] && break
  sleep 0.1
done
signalled=$(date +%s.%N)
stop_server
exit_seconds=$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $signalled}")
wait
record "{\"kind\": \"fault\", \"fault\": \"SIGTERM with 4 requests of 50 documents in flight\", \"result\": {\"inside_when_signalled\": $inside, \"statuses\": \"$(sort "$out/sigterm-statuses.txt" | uniq -c | xargs)\", \"exit_code\": $stop_code, \"seconds_to_exit\": $exit_seconds}}"
rm -f "$out/sigterm-statuses.txt"

python3 "$here/summarize.py" "$out/results.jsonl" > "$out/summary.md"
cat "$out/summary.md"
