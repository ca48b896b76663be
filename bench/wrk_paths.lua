-- Request the paths listed in the file WRK_PATHS names, one a line, in
-- turn; each thread starts at its own place. Figures as wrk_summary.lua.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  paths[#paths + 1] = line
end
local threads = 0
local position = 0

setup = function(thread)
  thread:set("start", threads * 7919)
  threads = threads + 1
end

init = function(args)
  position = start or 0
end

request = function()
  position = position + 1
  return wrk.format("GET", paths[(position % #paths) + 1])
end

dofile(os.getenv("WRK_SUMMARY"))
