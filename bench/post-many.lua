-- wrk script: the text2img call of bench/post.lua, with the tenant key taken in turn from BENCH_KEYS (comma-separated):
-- the same load spread over many tenants.
local keys = {}
for key in string.gmatch(os.getenv("BENCH_KEYS") or "none", "[^,]+") do
  keys[#keys + 1] = key
end
local counter = 0
local body = '{"prompt":"a cat","model_id":"octoflat"}'

request = function()
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. keys[(counter % #keys) + 1]
  return wrk.format("POST", nil, headers, body)
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
