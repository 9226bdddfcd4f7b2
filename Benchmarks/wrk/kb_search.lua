-- GET /api/v1/kb/search: the relevance set's questions in turn, as a customer searching.
local queries = {}
for line in io.lines(os.getenv("KB_QUERIES")) do queries[#queries + 1] = line end
local next_query = 0

function request()
  next_query = next_query % #queries + 1
  return wrk.format("GET", "/api/v1/kb/search?" .. queries[next_query], nil, nil)
end

wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, bad))
end
