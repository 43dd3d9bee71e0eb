redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
local entry = redis.call('HGET', KEYS[3], ARGV[3])
if entry then
  local lease = cjson.decode(entry)
  lease.leaseUntil = ARGV[4]
  redis.call('HSET', KEYS[3], ARGV[3], cjson.encode(lease))
end
return 1
