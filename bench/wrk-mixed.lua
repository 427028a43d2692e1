-- wrk script for the mixed run of bench/web-national.sh: 95 % of the
-- requests read a dashboard or a grid (a random line "GET<TAB>cookie<TAB>path"
-- of $MIXED_FILE), 5 % record a crisis exercise as an establishment (a
-- random line "WRITER<TAB>cookie<TAB>form token<TAB>site FINESS"). Prints the
-- latencies of all requests, the request rate and how many writes were
-- accepted (303) or refused.
local reads, writers = {}, {}
local threads = {}
written, refused = 0, 0 -- globals: done() reads them through thread:get

local function load()
  for line in io.lines(os.getenv("MIXED_FILE")) do
    local f = {}
    for x in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = x end
    if f[1] == "GET" then
      reads[#reads + 1] = { cookie = f[2], path = f[3] }
    elseif f[1] == "WRITER" then
      writers[#writers + 1] = { cookie = f[2], csrf = f[3], site = f[4] }
    end
  end
end

setup = function(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

init = function(args)
  load()
  math.randomseed(os.time() * 1000 + id)
end

request = function()
  if #writers > 0 and math.random() < 0.05 then
    local w = writers[math.random(#writers)]
    local day = string.format("2025-%02d-%02d", math.random(1, 5), math.random(1, 28))
    local body = "csrf=" .. w.csrf .. "&date=" .. day .. "&kit=intermediaire&scenario=Mesure+de+charge" ..
      "&direction_generale=oui&directions_metier=oui&debriefing=" .. day
    return wrk.format("POST", "/entites/" .. w.site .. "/exercices",
      { ["Cookie"] = w.cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  local r = reads[math.random(#reads)]
  return wrk.format("GET", r.path, { ["Cookie"] = r.cookie })
end

response = function(status, headers, body)
  if status == 303 then
    written = written + 1
  elseif status >= 400 then
    refused = refused + 1
  end
end

done = function(summary, latency, requests)
  local w, r = 0, 0
  for _, t in ipairs(threads) do
    w = w + (t:get("written") or 0)
    r = r + (t:get("refused") or 0)
  end
  io.write(string.format("p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  %.0f req/s  écritures acceptées %d, refusées %d, erreurs %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), w, r,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
