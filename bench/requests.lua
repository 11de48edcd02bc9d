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
    return wrk.format(r[1], r[2], {["Content-Type"] = "application/json"}, r[3])
  end
  return wrk.format(r[1], r[2])
end
