-- tickets.lua — wrk script for bench/tickets.sh: each request is a valid
-- submission of the public form with its own form token (read from the
-- file named by the first script argument; the second is the number of wrk
-- threads, which share the tokens out by line number). Counts answers that
-- are not 303 (a stored ticket) and prints tickets/s and latency at the end.
local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

local tokens = {}
local next_token = 0
bad = 0

function init(args)
	local nthreads = tonumber(args[2])
	local i = 0
	for line in io.lines(args[1]) do
		if i % nthreads == tid then
			table.insert(tokens, line)
		end
		i = i + 1
	end
end

local fields = "&type=access&type=rectification" ..
	"&name=Bench+Henkil%C3%B6&organisation=Esimerkki+Oy" ..
	"&email=bench%40example.fi&phone=040+123+4567" ..
	"&address=Katu+1%0A00100+Helsinki&customer_number=A000123" ..
	"&free_text=Osoite+on+v%C3%A4%C3%A4rin%3A+oikea+on+Katu+2."
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function request()
	next_token = next_token + 1
	local tok = tokens[next_token] or "exhausted"
	return wrk.format("POST", "/request", headers, "form_token=" .. tok .. fields)
end

function response(status, hdrs, body)
	if status ~= 303 then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local notok = 0
	for _, t in ipairs(threads) do
		notok = notok + t:get("bad")
	end
	local secs = summary.duration / 1e6
	local ok = summary.requests - notok
	io.write(string.format("tickets/s %.0f p50_ms %.2f p99_ms %.2f not303 %d errors %d\n",
		ok / secs, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
		notok, summary.errors.connect + summary.errors.read +
		summary.errors.write + summary.errors.status + summary.errors.timeout))
end
