-- A page mix for `make soak` (bench/soak.py): each request takes a random path from the file
-- given as the first script argument (one path a line; a path listed twice is asked twice as
-- often). With a second argument, each connection waits that many milliseconds (fractional,
-- on average) between requests, which caps the request rate. Counts responses by status code
-- and prints "status <code> <count>" lines at the end, like status.lua.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  wait_ms = tonumber(args[2] or "0")
  owed = 0
  statuses = {}
  math.randomseed(os.time() * 1000 + seed)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function delay()
  if wait_ms <= 0 then return 0 end
  owed = owed + wait_ms
  local whole = math.floor(owed)
  owed = owed - whole
  return whole
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d %d\n", code, n))
  end
end
