-- wrk script of the soak: POSTs a mix of Cohere v1 rerank bodies ($BODY_DIR/body-3.json, body-9.json, body-100.json,
-- drawn with the weights in $MIX, default "3:5,9:4,100:1"), counts the answers per status and per minute, and prints
-- one JSON line at the end: {"minutes": {"0": {"200": n, "429": n}, ...}, "statuses": {...}, "errors": {...}, latency}.
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

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

started, minutes = 0, {}
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  started = os.time()
  minutes = {}
end

function request()
  local r = math.random(total)
  for i, w in ipairs(weights) do
    if r <= w then return wrk.format(nil, nil, nil, bodies[i]) end
  end
end

function response(status, headers, body)
  local m = tostring(math.floor((os.time() - started) / 60))
  local bucket = minutes[m]
  if bucket == nil then bucket = {}; minutes[m] = bucket end
  local s = tostring(status)
  bucket[s] = (bucket[s] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for m, bucket in pairs(thread:get("minutes")) do
      merged[m] = merged[m] or {}
      for s, n in pairs(bucket) do merged[m][s] = (merged[m][s] or 0) + n end
    end
  end
  local parts = {}
  for m, bucket in pairs(merged) do
    local inner = {}
    for s, n in pairs(bucket) do table.insert(inner, string.format('"%s": %d', s, n)) end
    table.insert(parts, string.format('"%s": {%s}', m, table.concat(inner, ", ")))
  end
  io.write(string.format(
    '{"minutes": {%s}, "requests": %d, "seconds": %.1f, "p50_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "non2xx": %d}\n',
    table.concat(parts, ", "), summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
