-- wrk script for the HTTP nearby benchmark: GET /api/v1/gis/nearby at random points of a box
-- (deterministic LCG), bearer token from BENCH_TOKEN; prints one JSON line of latency percentiles.
local env = function(name, default) return tonumber(os.getenv(name) or "") or default end
local seed = env("BENCH_SEED", 12345)
local lng0, lat0, half = env("BENCH_LNG", 111.69), env("BENCH_LAT", 29.03), env("BENCH_HALF_DEG", 0.2)
local radius, limit = env("BENCH_RADIUS_M", 2000), env("BENCH_LIMIT", 10)
local path = os.getenv("BENCH_PATH") or "/api/v1/gis/nearby"

local function rnd()
  seed = (seed * 1103515245 + 12345) % 4294967296
  return seed / 4294967296
end

wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")

request = function()
  local lng = lng0 + (rnd() * 2 - 1) * half
  local lat = lat0 + (rnd() * 2 - 1) * half
  return wrk.format("GET", string.format("%s?lng=%.6f&lat=%.6f&radius=%d&limit=%d", path, lng, lat, radius, limit))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"errors":%d,"seconds":%.6f,"p50Ms":%.3f,"p90Ms":%.3f,"p99Ms":%.3f,"maxMs":%.3f}\n',
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
