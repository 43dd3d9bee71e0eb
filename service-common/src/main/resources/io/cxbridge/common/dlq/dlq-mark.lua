local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return -1 end
if ttl < 1 then ttl = tonumber(ARGV[2]) end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ttl) then return 0 end
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ttl)
return 1
