-- Claims the recording of a request's end for ARGV[1] for ARGV[2] ms: only the claimer sends the end's audit event
-- and writes it. 0: the request is already finished; -1: another replica holds the claim; 1: claimed (or ours).
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and (stored.state == 'deployed' or stored.state == 'failed') then
    return 0
  end
end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then
  return -1
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
