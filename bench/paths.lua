-- wrk: each request the next line of a file, "path" or "path<TAB>Cookie header" (a logged-in
-- person's session). Arguments after "--": the file and the number of wrk's threads (-t). The
-- lines are dealt out to the threads (line i to thread i mod threads), each thread going through
-- its own in order and starting again from its first when it has used them all: "wrapped" in
-- the report counts the requests that found their line already used (a page asked for again,
-- so a cache hit where every request should have been a miss).
local source = debug.getinfo(1, "S").source:sub(2)
dofile(source:match("(.*/)") .. "report.lua")
local report = done

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(args[2])
  paths, cookies = {}, {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % count == id then
      local path, cookie = line:match("^([^\t]+)\t?(.*)$")
      table.insert(paths, path)
      table.insert(cookies, cookie)
    end
    i = i + 1
  end
  sent = 0
  wrapped = 0
end

function request()
  local line = sent % #paths + 1
  if sent >= #paths then
    wrapped = wrapped + 1
  end
  sent = sent + 1
  local path, cookie = paths[line], cookies[line]
  if cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  return wrk.format(nil, path)
end

function done(summary, latency, requests)
  report(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("wrapped")
  end
  io.write(string.format("BENCH_WRAPPED %d\n", total))
end
