-- POST /api/v1/cases: every request is a first message from a new sender.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  -- Words case search is timed by (Benchmarks/case_search.py): "meter" in one case in ten, "tariff" in one in a thousand.
  local extra = ""
  if counter % 10 == 0 then extra = extra .. " The meter blinks." end
  if counter % 1000 == 0 then extra = extra .. " Which tariff is cheaper?" end
  local body = string.format(
    '{"contactPoint":"email","from":"bench-%s-%d-%d@example.com","subject":"Benchmark case %d","body":"My invoice looks wrong, please check the amount.%s"}',
    os.getenv("RUN_ID") or "x", tid, counter, counter, extra)
  return wrk.format("POST", "/api/v1/cases", nil, body)
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
