#!/usr/bin/env bash
# Resident memory of IRanker.Server per memory bound (a benchmark, not CI): for each value of BOUNDS, a server on the
# quickstart's model on 127.0.0.1 (IRanker:MaxMemoryMB, "none" for no bound) takes the same work: WAVES times, SHORT
# (default 24) concurrent 30-document Cohere rerank requests and LONG (default 8) of 100 documents, all at once. Prints, per bound, the peak RSS (VmHWM), the RSS
# after the work and after 5 s idle, the peak RSS sampled every 20 ms (under a bound the server resets VmHWM before each
# round, so there VmHWM is the last round's peak), the answers per status and the seconds it took. The servers run one after the
# other unless PARALLEL=1. Results go to $OUT (default artifacts/server-bound)/results.jsonl.
#
# Usage: benchmarks/server/memory-bound.sh [model.zip]
#   BOUNDS (default "none 700 500"), WAVES (default 1), SHORT, LONG, PORT (first port, default 8484), SERVER_DLL (default the Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/server"
model="$(realpath "${1:-${MODEL:-artifacts/quickstart/iranker-model.zip}}")"
bounds="${BOUNDS:-none 700 500}"
waves="${WAVES:-1}"
port0="${PORT:-8484}"
out="${OUT:-$root/artifacts/server-bound}"
dll="${SERVER_DLL:-$root/src/IRanker.Server/bin/Release/net10.0/linux-x64/IRanker.Server.dll}"
[[ -f "$model" ]] || { echo "No model at $model: run the quickstart first (see load-and-fault.sh)." >&2; exit 2; }
mkdir -p "$out"
: > "$out/results.jsonl"
[[ -n "${SERVER_DLL:-}" ]] || dotnet build "$root/src/IRanker.Server" -c Release -v quiet -nologo >/dev/null
python3 "$here/make_bodies.py" "$(dirname "$model")/ranking-bench-mini" "$out" 30 100

one() {   # $1: the bound (MiB or none), $2: the port
  local bound="$1" port="$2" args=() pid started statuses=""
  [[ "$bound" == none ]] || args=("--IRanker:MaxMemoryMB=$bound")
  dotnet "$dll" --model "$model" --urls "http://127.0.0.1:$port" "${args[@]}" > "$out/server-$bound.log" 2>&1 &
  pid=$!
  # The server resets VmHWM before each round under a bound (to learn that round's peak), so VmHWM at the end is the
  # last round's peak: the peak of the whole run is sampled from VmRSS every 20 ms.
  python3 -c 'import sys, time
pid, out = sys.argv[1], sys.argv[2]
peak = 0
while True:
    try:
        rss = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS"))
    except (OSError, StopIteration):
        break
    if rss > peak:
        peak = rss
        open(out, "w").write(str(peak // 1024))
    time.sleep(0.02)' "$pid" "$out/sampled-peak-$bound" &
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  local start_rss
  start_rss=$(awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
  started=$(date +%s)
  for _ in $(seq 1 "$waves"); do
    python3 "$here/fault_client.py" burst "$port" "$out/body-100.json" "${LONG:-8}" > "$out/long-$bound.json" &
    statuses+=$(python3 "$here/fault_client.py" burst "$port" "$out/body-30.json" "${SHORT:-24}")
    wait $!
    statuses+=$(cat "$out/long-$bound.json")
  done
  local seconds=$(( $(date +%s) - started )) rss_after hwm
  rss_after=$(awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
  sleep 5
  echo "{\"bound_mib\": \"$bound\", \"rss_start_mib\": $start_rss, \"peak_rss_mib\": $hwm, \"sampled_peak_rss_mib\": $(cat "$out/sampled-peak-$bound"), \"rss_after_mib\": $rss_after, \"rss_idle_mib\": $(awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status"), \"seconds\": $seconds, \"answers\": [$(echo "$statuses" | sed 's/}{/}, {/g')], \"memory_metrics\": \"$(curl -s "http://127.0.0.1:$port/metrics" | grep -E '^iranker_(rejected_total|native_trims_total|memory_level)' | paste -sd ';' - | sed 's/"/\\"/g')\"}" >> "$out/results.jsonl"
  kill -TERM "$pid"
  wait "$pid" || true
}

i=0
for bound in $bounds; do
  if [[ "${PARALLEL:-0}" == 1 ]]; then one "$bound" $(( port0 + i )) & else one "$bound" $(( port0 + i )); fi
  i=$(( i + 1 ))
done
wait
cat "$out/results.jsonl"
