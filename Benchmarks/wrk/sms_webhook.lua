-- POST /api/v1/webhooks/sms/demo-sms: signed messages prepared beforehand (wrk's Lua has
-- no HMAC), read from $PAIRS ("signature<TAB>body" per line); threads take turns in the list.

local threads = 0
local list = {}
local index = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  for line in io.lines(os.getenv("PAIRS")) do
    local signature, body = line:match("^([^\t]+)\t(.*)$")
    list[#list + 1] = { signature, body }
  end
  index = tid or 1
end

function request()
  local pair = list[index]
  index = index + 2
  if index > #list then index = tid or 1 end
  return wrk.format("POST", "/api/v1/webhooks/sms/demo-sms",
    { ["X-Touchpoint-Signature"] = "sha256=" .. pair[1], ["Content-Type"] = "application/json" }, pair[2])
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
