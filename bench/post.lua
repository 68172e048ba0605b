-- wrk script: the same text2img call for every target. The tenant key comes from BENCH_KEY; with BENCH_KEYS (comma-
-- separated) the calls take those keys in turn instead, the same load spread over many tenants.
wrk.method = "POST"
wrk.body = '{"prompt":"a cat","model_id":"octoflat"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "none")

local keys = {}
for key in string.gmatch(os.getenv("BENCH_KEYS") or "", "[^,]+") do
  keys[#keys + 1] = key
end
local counter = 0
if #keys > 0 then
  request = function()
    counter = counter + 1
    wrk.headers["Authorization"] = "Bearer " .. keys[(counter % #keys) + 1]
    return wrk.format()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f"
      .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout))
end
