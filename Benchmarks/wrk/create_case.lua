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
  local body = string.format(
    '{"contactPoint":"email","from":"bench-%s-%d-%d@example.com","subject":"Benchmark case %d","body":"My invoice looks wrong, please check the amount."}',
    os.getenv("RUN_ID") or "x", tid, counter, counter)
  return wrk.format("POST", "/api/v1/cases", nil, body)
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
