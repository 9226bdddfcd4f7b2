-- GET /api/v1/cases/{number}: one case of the brand, chosen at random among the first MAX_CASE.
local max = tonumber(os.getenv("MAX_CASE") or "1000")

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  return wrk.format("GET", "/api/v1/cases/" .. math.random(1, max), nil, nil)
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
