-- Stores a request's state and adds the (name, increment) pairs that follow to the report, unless the request is
-- already finished (by another replica after a rebalance): it keeps its end and is not counted twice. With a third
-- key (an end's claim, see request-claim.lua), ARGV[3] is the claimer's token: the end is written only while no
-- other replica holds the claim (-1: this one's lapsed and another's holds it; not finished), and the claim is
-- released with it.
local first = 3
if #KEYS >= 3 then
  local holder = redis.call('GET', KEYS[3])
  if holder and holder ~= ARGV[3] then
    return -1
  end
  first = 4
end
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and (stored.state == 'deployed' or stored.state == 'failed') then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = first, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
if #KEYS >= 3 then
  redis.call('DEL', KEYS[3])
end
return 1
