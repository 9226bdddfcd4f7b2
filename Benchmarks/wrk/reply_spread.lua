-- POST /api/v1/cases/{n}/interactions: staff replies to cases chosen at random among the
-- first REPLY_CASES, so the history grows across every case rather than a few.
local cases = tonumber(os.getenv("REPLY_CASES") or "200")

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  return wrk.format("POST", "/api/v1/cases/" .. math.random(1, cases) .. "/interactions", nil,
    '{"type":"reply","body":"Thank you, we have corrected the invoice and sent it again."}')
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
