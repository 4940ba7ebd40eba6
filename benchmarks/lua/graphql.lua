-- wrk script: POST the workload query, optionally with a unique Authorization header per request,
-- and count every response that is not a 200 of the expected length without an "errors" key.
-- Environment: BENCH_BODY_FILE (request body), BENCH_UNIQUE_AUTH ("1" or not),
-- BENCH_EXPECTED_LENGTH (byte length of the verified reference-equal answer of this gateway).

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

local unique = os.getenv("BENCH_UNIQUE_AUTH") == "1"
local expected_length = tonumber(os.getenv("BENCH_EXPECTED_LENGTH") or "-1")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  counter = 0
  responses = 0
  mismatched = 0
  with_errors = 0
  fixed_request = wrk.format()
end

function request()
  if not unique then
    return fixed_request
  end
  counter = counter + 1
  wrk.headers["Authorization"] = "Bearer bench-" .. thread_id .. "-" .. counter
  return wrk.format()
end

function response(status, headers, body)
  responses = responses + 1
  local has_errors = string.find(body, '"errors"', 1, true) ~= nil
  if has_errors then
    with_errors = with_errors + 1
  end
  if status ~= 200 or has_errors or (expected_length >= 0 and #body ~= expected_length) then
    mismatched = mismatched + 1
  end
end

function done(summary, latency, requests)
  local checked, bad_length, bad_errors = 0, 0, 0
  for _, thread in ipairs(threads) do
    checked = checked + thread:get("responses")
    bad_length = bad_length + thread:get("mismatched")
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
    checked, bad_length, bad_errors))
end
