-- wrk script of the soak: POSTs a mix of Cohere v1 rerank bodies ($BODY_DIR/body-3.json, body-9.json, body-100.json,
-- drawn with the weights in $MIX, default "3:5,9:4,100:1") and prints one JSON line of totals at the end (non2xx
-- counts 429 too; soak.sh reads the answers per status and minute from the server's own counters). No response()
-- callback: with one, wrk 4.1.0 crashed (segmentation fault) part-way through a 20-minute run here.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local bodies, weights, total = {}, {}, 0
for size, weight in string.gmatch(os.getenv("MIX") or "3:5,9:4,100:1", "(%d+):(%d+)") do
  local file = assert(io.open(os.getenv("BODY_DIR") .. "/body-" .. size .. ".json", "rb"))
  table.insert(bodies, file:read("*a"))
  file:close()
  total = total + tonumber(weight)
  table.insert(weights, total)
end

function request()
  local r = math.random(total)
  for i, w in ipairs(weights) do
    if r <= w then return wrk.format(nil, nil, nil, bodies[i]) end
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "p50_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
