-- wrk script for the whole-stack benchmark: POST one body, each request with the next token of
-- BENCH_TOKENS_FILE (one per line) as its Authorization, and count every response that is not a
-- 200 without an "errors" key. Prints the same BENCH_JSON line as graphql.lua.

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local content = file:read("*a")
  file:close()
  return content
end

wrk.method = "POST"
wrk.body = read_file(os.getenv("BENCH_BODY_FILE"))
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
  if #line > 0 then table.insert(tokens, line) end
end
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  responses = 0
  mismatched = 0
  with_errors = 0
end

function request()
  counter = counter + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]
  return wrk.format()
end

function response(status, headers, body)
  responses = responses + 1
  local has_errors = string.find(body, '"errors"', 1, true) ~= nil
  if has_errors then
    with_errors = with_errors + 1
  end
  if status ~= 200 or has_errors then
    mismatched = mismatched + 1
  end
end

function done(summary, latency, requests)
  local checked, bad, bad_errors = 0, 0, 0
  for _, thread in ipairs(threads) do
    checked = checked + thread:get("responses")
    bad = bad + thread:get("mismatched")
    bad_errors = bad_errors + thread:get("with_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"checked":%d,"mismatched":%d,"with_errors":%d}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    checked, bad, bad_errors))
end
