-- wrk script: requests read from a file (method, path, body separated by tabs, one per line), each
-- thread starting at its own offset and going round the list.
local requests = {}
local position = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    if method then
      requests[#requests + 1] = {method, path, body ~= "" and body or nil}
    end
  end
  position = ((thread_number or 1) - 1) * 7919 % #requests
end

function request()
  position = position % #requests + 1
  local r = requests[position]
  if r[3] then
    -- A table given to wrk.format replaces the -H headers: keep them (the write key) and add the type.
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = "application/json"
    return wrk.format(r[1], r[2], headers, r[3])
  end
  return wrk.format(r[1], r[2])
end
