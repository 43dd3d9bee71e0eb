local active = redis.call('HGETALL', KEYS[1])
for i = 1, #active, 2 do
  local other = cjson.decode(active[i + 1])
  if tonumber(other.leaseUntil) < tonumber(ARGV[3]) then
    redis.call('HDEL', KEYS[1], active[i])
  else
    local apart = (ARGV[6] ~= '' and other.id ~= '' and other.id ~= ARGV[6])
      or (ARGV[7] ~= '' and other.group ~= '' and other.group ~= ARGV[7])
    if not apart then return active[i] end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({id = ARGV[6], group = ARGV[7], leaseUntil = ARGV[4]}))
redis.call('HSET', KEYS[2], 'state', 'running', 'filters', ARGV[2], 'createdAt', ARGV[8],
  'replayed', 0, 'refused', 0, 'failed', 0)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return ''
