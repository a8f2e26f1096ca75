-- wrk script of deploy/bench/gateway.sh: the same request for every target, one machine-readable line at the end.
--
-- The API key comes from the environment (BENCH_API_KEY / BENCH_API_SECRET), never from wrk's command line, so it
-- shows in no process list. No request() or response() function: wrk then builds the request once and does not call
-- Lua per response, so the load generator spends as little of the 2 cores as it can. Error responses are still
-- counted: summary.errors.status is wrk's count of responses with a status of 400 or more.

local key = os.getenv("BENCH_API_KEY")
local secret = os.getenv("BENCH_API_SECRET")
if key ~= nil and key ~= "" then
  wrk.headers["api-key"] = key
  wrk.headers["api-secret"] = secret
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f bytes=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.bytes, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
