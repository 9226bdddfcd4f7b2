-- GET /api/v1/contacts/{id}/timeline: the newest 50 entries of one long history.
function request()
  return wrk.format("GET", "/api/v1/contacts/" .. os.getenv("CONTACT_ID") .. "/timeline?limit=50")
end

dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
