-- customers.lua — wrk script for bench/customers.sh: GET the paths listed in
-- the file $WRK_PATHS (one a line) in turn, each thread from its own place
-- in the list, with the session cookie $WRK_COOKIE.
local paths = {}
local i = 0

for line in io.lines(os.getenv("WRK_PATHS")) do
	if #line > 0 then
		paths[#paths + 1] = line
	end
end
wrk.headers["Cookie"] = "rekisteri_session=" .. (os.getenv("WRK_COOKIE") or "")

function setup(thread)
	thread:set("offset", math.random(#paths))
end

function init(args)
	i = offset or 0
end

function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
