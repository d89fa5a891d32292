#!/usr/bin/env bash
# Replicas behind a load balancer (a benchmark, not CI): IRanker.Server replicas on 127.0.0.1 behind HAProxy
# (benchmarks/server/haproxy.cfg: active checks on /health/ready, retries on another replica), driven by wrk.
#  1. Splitting: one replica on both cores (straight, and through HAProxy) against two replicas through HAProxy, pinned
#     to one core each (taskset) or with one libtorch thread each floating over both cores; requests/s, p50/p95/p99
#     and the replicas' CPU time and run-queue wait per request at 8 and 32 clients. The setups run side by side (an idle replica costs
#     no CPU) and take turns, ROUNDS times, so that a burst of other work on the machine falls on all of them alike;
#     the summary gives each setup's median over the rounds.
#  2. Faults under load (16 clients): SIGKILL of one replica and its restart, and a rolling restart of both with
#     SIGTERM, each with the committed configuration and with a plain one that retries only failed connections
#     (HAProxy's default), to count what the retry settings save.
# Results: $OUT (default artifacts/replicas-bench)/results.jsonl and summary.md (the tables of docs/benchmarks.md).
#
# Usage: benchmarks/server/replicas.sh [model.zip]
#   MODEL default artifacts/quickstart/iranker-model.zip (see load-and-fault.sh), DURATION (s per load run, default 20),
#   ROUNDS (default 3), FAULT_DURATION (s per fault run, default 45), CLIENTS (default "8 32"), BASE_PORT (default 8190:
#   the balancer, +1 and +2 the two replicas, +3 its stats page; +4 the two-thread replica, +5 its balancer, +7 that
#   balancer's stats page; +8 and +9 the floating pair, +10 their balancer, +11 its stats page).
#   Needs haproxy and wrk (Debian: apt-get install haproxy wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/server"
model="$(realpath "${1:-${MODEL:-artifacts/quickstart/iranker-model.zip}}")"
duration="${DURATION:-20}"
rounds="${ROUNDS:-3}"
fault_duration="${FAULT_DURATION:-45}"
clients="${CLIENTS:-8 32}"
base_port="${BASE_PORT:-8190}"
export LB_PORT=$base_port R1_PORT=$((base_port + 1)) R2_PORT=$((base_port + 2)) STATS_PORT=$((base_port + 3))
single_port=$((base_port + 4))   # the replica with two threads, behind a balancer of its own (ports +5, +6 unused, +7)
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
single_lb_pid=""
floating_lb_pid=""
record() { echo "$1" | tee -a "$out/results.jsonl"; }

cleanup() {
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null || true; done
  [[ -n "$lb_pid" ]] && kill "$lb_pid" 2>/dev/null || true
  [[ -n "$single_lb_pid" ]] && kill "$single_lb_pid" 2>/dev/null || true
  [[ -n "$floating_lb_pid" ]] && kill "$floating_lb_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

start_replica() {   # $1: name, $2: port, $3: its cores (taskset list: "0", "1", "0,1"), $4: libtorch threads (default one per
  # core); returns once /health/ready answers 200. Pinned to its cores as a container CPU limit would: .NET sizes its
  # GC heaps and thread pool from them.
  local log="$out/server-$1.log" threads
  threads=${4:-$(( $(tr -cd ',' <<< "$3" | wc -c) + 1 ))}
  OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads taskset -c "$3" dotnet "$dll" --model "$model" --urls "http://127.0.0.1:$2" \
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

wait_up() {   # $1: replica name, $2: UP|DOWN, $3: stats port (default the main balancer's); waits until HAProxy's checks see it so
  for _ in $(seq 1 120); do
    [[ "$(curl -fs "http://127.0.0.1:${3:-$STATS_PORT}/stats;csv" | awk -F, -v s="$1" '$1 == "replicas" && $2 == s {print $18}')" == "$2"* ]] && return 0
    sleep 0.25
  done
  echo "HAProxy never saw $1 $2." >&2; exit 1
}

cpu_ticks() {   # the CPU time (user + system, in clock ticks) that the named replicas have used so far
  local total=0 name
  for name in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/${pids[$name]}/stat") )); done
  echo "$total"
}

queue_waits() {   # per thread of the named replicas: "tid nanoseconds" waited on a run queue, runnable but not running
  local name task
  for name in "$@"; do
    for task in /proc/"${pids[$name]}"/task/*; do
      if [[ -r "$task/schedstat" ]]; then echo "${task##*/} $(awk '{print $2}' "$task/schedstat" 2>/dev/null || true)"; fi
    done
  done
  return 0
}

queue_wait_ms() {   # $1, $2: two snapshots of queue_waits; the wait between them of the threads alive at both (ms)
  awk 'NR == FNR {start[$1] = $2; next} ($1 in start) && $2 != "" {ns += $2 - start[$1]} END {printf "%d", ns / 1e6}' "$1" "$2"
}

load() {   # $1: URL, $2: clients, $3: seconds; prints wrk's JSON line
  BODY_FILE="$out/body.json" wrk -t "$(( $2 < 2 ? 1 : 2 ))" -c "$2" -d "${3}s" --timeout 120s -s "$here/post.lua" "$1/v1/rerank" | tail -1
}

lb="http://127.0.0.1:$LB_PORT"
tuned="$here/haproxy.cfg"
plain="$out/haproxy-plain.cfg"   # the same without retry-on: HAProxy then retries failed connections only
grep -v '^ *retry-on ' "$tuned" > "$plain"

# ---- 1. Splitting -------------------------------------------------------------------------------------------------------
start_replica single "$single_port" 0,1
start_replica r1 "$R1_PORT" 0
start_replica r2 "$R2_PORT" 1
start_balancer "$tuned"
# The same configuration in front of the two-thread replica alone (its second server has nothing behind it and stays DOWN).
LB_PORT=$((base_port + 5)) R1_PORT=$single_port R2_PORT=$((base_port + 6)) STATS_PORT=$((base_port + 7)) \
  haproxy -db -f "$tuned" >> "$out/haproxy-single.log" 2>&1 &
single_lb_pid=$!
# The floating pair: one libtorch thread each, free to run on either core, behind a third balancer.
start_replica f1 $((base_port + 8)) 0,1 1
start_replica f2 $((base_port + 9)) 0,1 1
LB_PORT=$((base_port + 10)) R1_PORT=$((base_port + 8)) R2_PORT=$((base_port + 9)) STATS_PORT=$((base_port + 11)) \
  haproxy -db -f "$tuned" >> "$out/haproxy-floating.log" 2>&1 &
floating_lb_pid=$!
wait_up r1 UP; wait_up r2 UP; wait_up r1 UP $((base_port + 7)); wait_up r1 UP $((base_port + 11)); wait_up r2 UP $((base_port + 11))
declare -A replicas_of=(
  ["one replica on 2 cores, straight"]="single"
  ["one replica on 2 cores, through HAProxy"]="single"
  ["two replicas on 1 core each, through HAProxy"]="r1 r2"
  ["two replicas floating, 1 thread each, through HAProxy"]="f1 f2"
)
tick_ms=$(( 1000 / $(getconf CLK_TCK) ))
declare -A setups=(
  ["one replica on 2 cores, straight"]="http://127.0.0.1:$single_port"
  ["one replica on 2 cores, through HAProxy"]="http://127.0.0.1:$((base_port + 5))"
  ["two replicas on 1 core each, through HAProxy"]="$lb"
  ["two replicas floating, 1 thread each, through HAProxy"]="http://127.0.0.1:$((base_port + 10))"
)
order=("one replica on 2 cores, straight" "one replica on 2 cores, through HAProxy" "two replicas on 1 core each, through HAProxy"
       "two replicas floating, 1 thread each, through HAProxy")
for setup in "${order[@]}"; do load "${setups[$setup]}" 32 10 >/dev/null; done   # warm-up, not recorded
for round in $(seq 1 "$rounds"); do
  for c in $clients; do
    for setup in "${order[@]}"; do
      # shellcheck disable=SC2086 # the replicas' names, split on spaces
      before=$(cpu_ticks ${replicas_of[$setup]})
      queue_waits ${replicas_of[$setup]} > "$out/waits-before.txt"
      line=$(load "${setups[$setup]}" "$c" "$duration")
      used_ms=$(( ($(cpu_ticks ${replicas_of[$setup]}) - before) * tick_ms ))
      queue_waits ${replicas_of[$setup]} > "$out/waits-after.txt"
      waited=$(queue_wait_ms "$out/waits-before.txt" "$out/waits-after.txt")
      record "{\"kind\": \"load\", \"setup\": \"$setup\", \"round\": $round, \"clients\": $c, \"replica_cpu_ms\": $used_ms, \"run_queue_wait_ms\": $waited, \"wrk\": $line}"
    done
  done
done
kill "$single_lb_pid" "$floating_lb_pid"; wait "$single_lb_pid" "$floating_lb_pid" 2>/dev/null || true; single_lb_pid=""; floating_lb_pid=""
stop_replica single TERM
stop_replica f1 TERM
stop_replica f2 TERM
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
  start_replica r1 "$R1_PORT" 0
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
    cores=$([[ $name == r1 ]] && echo 0 || echo 1)
    stop_replica "$name" TERM
    codes="$codes$name=$exit_code "
    start_replica "$name" "$port" "$cores"
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
from statistics import median
print("| setup | clients | requests (all rounds) | requests/s | p50 ms | p95 ms | p99 ms | replica CPU ms per request | run-queue wait ms per request | failed |")
print("|---|---|---|---|---|---|---|---|---|---|")
failed = lambda w: w["non2xx"] + w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
runs, cpu, wait = {}, {}, {}
for r in rows:
    if r["kind"] == "load":
        runs.setdefault((r["setup"], r["clients"]), []).append(r["wrk"])
        cpu.setdefault((r["setup"], r["clients"]), []).append(r["replica_cpu_ms"] / max(r["wrk"]["requests"], 1))
        wait.setdefault((r["setup"], r["clients"]), []).append(r.get("run_queue_wait_ms", 0) / max(r["wrk"]["requests"], 1))
for (setup, c), ws in runs.items():
    m = lambda key: median(w[key] for w in ws)
    print(f"| {setup} | {c} | {sum(w['requests'] for w in ws):,} | {m('rps'):.1f} | {m('p50_ms'):.0f} | {m('p95_ms'):.0f} | {m('p99_ms'):.0f} | {median(cpu[(setup, c)]):.0f} | {median(wait[(setup, c)]):.0f} | {sum(failed(w) for w in ws)} |")
print()
for c in sorted({c for _, c in runs}):
  for two in ("two replicas on 1 core each, through HAProxy", "two replicas floating, 1 thread each, through HAProxy"):
    for one in ("one replica on 2 cores, straight", "one replica on 2 cores, through HAProxy"):
        if (two, c) in runs and (one, c) in runs:
            per_round = [a["rps"] / b["rps"] for a, b in zip(runs[(two, c)], runs[(one, c)])]
            ratio = median(w["rps"] for w in runs[(two, c)]) / median(w["rps"] for w in runs[(one, c)])
            cpu_ratio = median(cpu[(two, c)]) / median(cpu[(one, c)])
            print(f"- {c} clients: {two} / {one}: {ratio:.2f}x requests/s (rounds: {', '.join(f'{x:.2f}' for x in per_round)}); "
                  f"{cpu_ratio:.2f}x replica CPU per request")
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
