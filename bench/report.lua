-- wrk's report in one machine-readable line: latency percentiles in microseconds (wrk --latency
-- prints 50/75/90/99, not 95), requests, duration in microseconds, errors and non-2xx/3xx.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status))
end
