-- POST /api/v1/cases/{n}/interactions: staff replies spread over 200 cases from REPLY_FROM on.
local counter = 0
local cases = tonumber(os.getenv("REPLY_CASES") or "200")
local first = tonumber(os.getenv("REPLY_FROM") or "1")

function request()
  counter = counter + 1
  local number = (counter % cases) + first
  return wrk.format("POST", "/api/v1/cases/" .. number .. "/interactions", nil,
    '{"type":"reply","body":"Thank you, we have corrected the invoice and sent it again."}')
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
