-- The throughput run's report, for bench/measure.py (`manage.py bench_run`).
--
-- wrk's own text output has no status breakdown and no request ids; this script counts the
-- responses by status and keeps the X-Request-ID of every 2xx response, so the harness can
-- check that each read it was served was also written to the audit log. The ids go to the
-- file named by WRK_IDS_FILE (one a line); the figures are printed as one "WRK_JSON {...}" line.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  ids = {}
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status >= 200 and status < 300 then
    local id = headers["X-Request-ID"] or headers["x-request-id"] or headers["X-Request-Id"]
    if id then
      ids[#ids + 1] = id
    end
  end
end

function done(summary, latency, requests)
  local merged = {}
  local path = os.getenv("WRK_IDS_FILE")
  local out = nil
  if path and path ~= "" then
    out = io.open(path, "w")
  end
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses") or {}
    for status, n in pairs(counted) do
      merged[status] = (merged[status] or 0) + n
    end
    if out then
      for _, id in ipairs(thread:get("ids") or {}) do
        out:write(id, "\n")
      end
    end
  end
  if out then
    out:close()
  end
  local parts = {}
  for status, n in pairs(merged) do
    parts[#parts + 1] = string.format('"%s":%d', status, n)
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,'
      .. '"p50":%d,"p90":%d,"p95":%d,"p99":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99),
    table.concat(parts, ",")
  ))
end
