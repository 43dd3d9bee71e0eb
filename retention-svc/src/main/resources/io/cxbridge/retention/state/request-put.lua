-- A step never overwrites a finished request (another replica may have finished it after a rebalance).
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and (stored.state == 'deployed' or stored.state == 'failed') then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
