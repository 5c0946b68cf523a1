-- wrk script of the events bench: replays pre-signed webhook requests, one per line of BENCH_REQUESTS
-- ("<sourceId>\t<timestamp>\t<signature>\t<json body>"), in order from line BENCH_START + 1, wrapping around;
-- prints one JSON line: requests, socket errors, answers of 400 and above ("bad"), seconds, latency.
local lines = {}
local i = tonumber(os.getenv("BENCH_START") or "0")

init = function(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local src, ts, sig, body = line:match("^(%d+)\t(%d+)\t(%S+)\t(.*)$")
    lines[#lines + 1] = wrk.format("POST", "/api/v1/events/webhook/" .. src, {
      ["Content-Type"] = "application/json",
      ["X-Cloudeye-Timestamp"] = ts,
      ["X-Cloudeye-Signature"] = sig,
    }, body)
  end
end

request = function()
  i = i % #lines + 1
  return lines[i]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"errors":%d,"bad":%d,"seconds":%.6f,"p50Ms":%.3f,"p99Ms":%.3f}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
