-- Stores a request's state and adds ARGV[3..] (name, increment pairs; none for a step) to the report, unless the
-- request is already finished (by another replica after a rebalance): it keeps its end and is not counted twice.
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and (stored.state == 'deployed' or stored.state == 'failed') then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 3, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
return 1
