-- A mixed workload for wrk (bench/load.sh writes the requests file it reads).
--
-- Each line of the requests file is one kind of request, tab-separated:
--   weight  method  path  cookie  body-file  content-type
-- ("-" for none). Requests are sent in a fixed shuffled order in which each kind appears
-- `weight` times per cycle, so every run replays the same mix.

local requests = {}
local cursor = 0
statuses = {}
local threads = {}

local function split(line)
  local out = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    out[#out + 1] = field
  end
  return out
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local list = {}
  for line in io.lines(os.getenv("LOAD_REQUESTS")) do
    local f = split(line)
    local weight, method, path, cookie, body_file, ctype =
      tonumber(f[1]), f[2], f[3], f[4], f[5], f[6]
    local headers = {}
    if cookie ~= "-" then headers["Cookie"] = cookie end
    local body = nil
    if body_file ~= "-" then
      body = read(body_file)
      headers["Content-Type"] = ctype
    end
    local req = wrk.format(method, path, headers, body)
    for _ = 1, weight do list[#list + 1] = req end
  end
  -- The same shuffle every run (a small linear congruential generator).
  local seed = 2022
  for i = #list, 2, -1 do
    seed = (seed * 1103515245 + 12345) % 2147483648
    local j = seed % i + 1
    list[i], list[j] = list[j], list[i]
  end
  requests = list
end

function request()
  cursor = cursor % #requests + 1
  return requests[cursor]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- Every status the run saw, with its count: the script fails a run with any status of
-- 400 or more, or any socket error.
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local keys = {}
  for status in pairs(total) do keys[#keys + 1] = status end
  table.sort(keys)
  local parts = {}
  for _, status in ipairs(keys) do parts[#parts + 1] = status .. "=" .. total[status] end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  local e = summary.errors
  io.write(string.format("socket errors: connect %d read %d write %d timeout %d\n",
    e.connect, e.read, e.write, e.timeout))
end
