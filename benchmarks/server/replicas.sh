#!/usr/bin/env bash
# Replicas behind a load balancer (a benchmark, not CI): IRanker.Server replicas on 127.0.0.1 behind HAProxy
# (benchmarks/server/haproxy.cfg: active checks on /health/ready, retries on another replica), driven by wrk.
#  1. Splitting: one replica with two libtorch threads (straight, then through HAProxy) against two replicas with one
#     thread each through HAProxy; requests/s and p50/p95/p99 at 8 and 32 clients.
#  2. Faults under load (16 clients): SIGKILL of one replica and its restart, and a rolling restart of both with
#     SIGTERM, each with the committed configuration and with a plain one that retries only failed connections
#     (HAProxy's default), to count what the retry settings save.
# Results: $OUT (default artifacts/replicas-bench)/results.jsonl and summary.md (the tables of docs/benchmarks.md).
#
# Usage: benchmarks/server/replicas.sh [model.zip]
#   MODEL default artifacts/quickstart/iranker-model.zip (see load-and-fault.sh), DURATION (s per load run, default 30),
#   FAULT_DURATION (s per fault run, default 45), CLIENTS (default "8 32"), BASE_PORT (default 8190: balancer, +1 and
#   +2 the replicas, +3 HAProxy's stats page). Needs haproxy and wrk (Debian: apt-get install haproxy wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/server"
model="$(realpath "${1:-${MODEL:-artifacts/quickstart/iranker-model.zip}}")"
duration="${DURATION:-30}"
fault_duration="${FAULT_DURATION:-45}"
clients="${CLIENTS:-8 32}"
base_port="${BASE_PORT:-8190}"
export LB_PORT=$base_port R1_PORT=$((base_port + 1)) R2_PORT=$((base_port + 2)) STATS_PORT=$((base_port + 3))
out="${OUT:-$root/artifacts/replicas-bench}"
dll="$root/src/IRanker.Server/bin/Release/net10.0/linux-x64/IRanker.Server.dll"
[[ -f "$model" ]] || { echo "No model at $model: run the quickstart first (see load-and-fault.sh)." >&2; exit 2; }
for tool in haproxy wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (Debian: apt-get install $tool)." >&2; exit 2; }
done
mkdir -p "$out"
: > "$out/results.jsonl"
dotnet build "$root/src/IRanker.Server" -c Release -v quiet -nologo >/dev/null

# The load: the first Passage-9 list of the quickstart's test split as a Cohere v1 rerank request (as load-and-fault.sh).
python3 - "$(dirname "$model")/ranking-bench-mini/test.tsv" "$out/body.json" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t") if r["Task"].startswith("Passage-")]
longest = max(int(r["Task"].split("-")[1]) for r in rows)
rows = [r for r in rows if r["Task"] == f"Passage-{longest}"]
group = rows[0]["GroupId"]
lists = [r for r in rows if r["GroupId"] == group]
json.dump({"query": lists[0]["Query"], "documents": [r["Candidate"] for r in lists], "top_n": 3}, open(sys.argv[2], "w"))
PY

declare -A pids=()
lb_pid=""
record() { echo "$1" | tee -a "$out/results.jsonl"; }

cleanup() {
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null || true; done
  [[ -n "$lb_pid" ]] && kill "$lb_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

start_replica() {   # $1: name (r1, r2), $2: port, $3: libtorch threads; returns once /health/ready answers 200
  local log="$out/server-$1.log"
  OMP_NUM_THREADS=$3 MKL_NUM_THREADS=$3 dotnet "$dll" --model "$model" --urls "http://127.0.0.1:$2" \
    --IRanker:ShutdownTimeoutSeconds=30 >> "$log" 2>&1 &
  pids[$1]=$!
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "${pids[$1]}" 2>/dev/null || { tail -20 "$log" >&2; exit 1; }
    sleep 0.25
  done
  echo "Replica $1 did not become ready in 60 s." >&2; exit 1
}

stop_replica() {   # $1: name, $2: signal; sets exit_code
  kill "-$2" "${pids[$1]}"
  exit_code=0
  wait "${pids[$1]}" 2>/dev/null || exit_code=$?
  unset "pids[$1]"
}

start_balancer() {   # $1: the configuration file
  haproxy -db -f "$1" >> "$out/haproxy.log" 2>&1 &
  lb_pid=$!
  for _ in $(seq 1 40); do curl -fs "http://127.0.0.1:$STATS_PORT/stats;csv" >/dev/null 2>&1 && return 0; sleep 0.25; done
  echo "HAProxy did not start (see $out/haproxy.log)." >&2; exit 1
}

stop_balancer() { kill "$lb_pid"; wait "$lb_pid" 2>/dev/null || true; lb_pid=""; }

wait_up() {   # $1: replica name, $2: UP|DOWN; waits until HAProxy's active checks see it so (at most 30 s)
  for _ in $(seq 1 120); do
    [[ "$(curl -fs "http://127.0.0.1:$STATS_PORT/stats;csv" | awk -F, -v s="$1" '$1 == "replicas" && $2 == s {print $18}')" == "$2"* ]] && return 0
    sleep 0.25
  done
  echo "HAProxy never saw $1 $2." >&2; exit 1
}

load() {   # $1: URL, $2: clients, $3: seconds; prints wrk's JSON line
  BODY_FILE="$out/body.json" wrk -t "$(( $2 < 2 ? 1 : 2 ))" -c "$2" -d "${3}s" --timeout 120s -s "$here/post.lua" "$1/v1/rerank" | tail -1
}

measure() {   # $1: setup label, $2: URL
  load "$2" 32 10 >/dev/null   # warm-up, not recorded
  for c in $clients; do
    record "{\"kind\": \"load\", \"setup\": \"$1\", \"clients\": $c, \"wrk\": $(load "$2" "$c" "$duration")}"
  done
}

lb="http://127.0.0.1:$LB_PORT"
tuned="$here/haproxy.cfg"
plain="$out/haproxy-plain.cfg"   # the same without retry-on: HAProxy then retries failed connections only
grep -v '^ *retry-on ' "$tuned" > "$plain"

# ---- 1. Splitting -------------------------------------------------------------------------------------------------------
start_replica r1 "$R1_PORT" 2
measure "one replica, 2 threads, straight" "http://127.0.0.1:$R1_PORT"
start_balancer "$tuned"
wait_up r1 UP
measure "one replica, 2 threads, through HAProxy" "$lb"
stop_replica r1 TERM
start_replica r1 "$R1_PORT" 1
start_replica r2 "$R2_PORT" 1
wait_up r1 UP; wait_up r2 UP
measure "two replicas, 1 thread each, through HAProxy" "$lb"
stop_balancer

# ---- 2. Faults under load -----------------------------------------------------------------------------------------------
fault_clients=16
for config in plain tuned; do
  cfg=$([[ $config == tuned ]] && echo "$tuned" || echo "$plain")
  start_balancer "$cfg"
  wait_up r1 UP; wait_up r2 UP

  # SIGKILL r1 10 s into the load, start it again at once; HAProxy takes it back once its checks pass.
  load "$lb" "$fault_clients" "$fault_duration" > "$out/wrk.json" &
  wrk_pid=$!
  sleep 10
  stop_replica r1 KILL
  killed_at=$(date +%s.%N)
  start_replica r1 "$R1_PORT" 1
  ready_s=$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $killed_at}")
  wait_up r1 UP
  wait "$wrk_pid"
  record "{\"kind\": \"fault\", \"fault\": \"SIGKILL r1, restart\", \"config\": \"$config\", \"clients\": $fault_clients, \"restart_to_ready_s\": $ready_s, \"wrk\": $(cat "$out/wrk.json")}"

  # Rolling restart: SIGTERM r1 (it drains, exits), start it, wait until HAProxy sees it UP; then the same for r2.
  load "$lb" "$fault_clients" "$fault_duration" > "$out/wrk.json" &
  wrk_pid=$!
  sleep 5
  codes=""
  for name in r1 r2; do
    port=$([[ $name == r1 ]] && echo "$R1_PORT" || echo "$R2_PORT")
    stop_replica "$name" TERM
    codes="$codes$name=$exit_code "
    start_replica "$name" "$port" 1
    wait_up "$name" UP
  done
  wait "$wrk_pid"
  record "{\"kind\": \"fault\", \"fault\": \"rolling restart (SIGTERM r1, restart, then r2)\", \"config\": \"$config\", \"clients\": $fault_clients, \"exit_codes\": \"${codes% }\", \"wrk\": $(cat "$out/wrk.json")}"
  stop_balancer
done
stop_replica r1 TERM
stop_replica r2 TERM

python3 - "$out/results.jsonl" > "$out/summary.md" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| setup | clients | requests | requests/s | p50 ms | p95 ms | p99 ms | failed |")
print("|---|---|---|---|---|---|---|---|")
failed = lambda w: w["non2xx"] + w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
rps = {}
for r in rows:
    if r["kind"] != "load": continue
    w = r["wrk"]; rps[(r["setup"], r["clients"])] = w["rps"]
    print(f"| {r['setup']} | {r['clients']} | {w['requests']:,} | {w['rps']:.1f} | {w['p50_ms']:.0f} | {w['p95_ms']:.0f} | {w['p99_ms']:.0f} | {failed(w)} |")
print()
for c in sorted({c for _, c in rps}):
    two = rps.get(("two replicas, 1 thread each, through HAProxy", c))
    for one in ("one replica, 2 threads, straight", "one replica, 2 threads, through HAProxy"):
        if two and rps.get((one, c)): print(f"- {c} clients: two replicas / {one}: {two / rps[(one, c)]:.2f}x")
print()
print("| fault | HAProxy config | clients | requests | failed (non-2xx / socket errors) | p99 ms | max ms | notes |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if r["kind"] != "fault": continue
    w = r["wrk"]; socket = w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
    notes = f"restart to ready {r['restart_to_ready_s']} s" if "restart_to_ready_s" in r else f"exit codes {r['exit_codes']}"
    print(f"| {r['fault']} | {r['config']} | {r['clients']} | {w['requests']:,} | **{failed(w)}** ({w['non2xx']} / {socket}) | {w['p99_ms']:.0f} | {w['max_ms']:.0f} | {notes} |")
PY
cat "$out/summary.md"
