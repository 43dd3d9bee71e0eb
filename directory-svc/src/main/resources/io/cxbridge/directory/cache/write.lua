local m = redis.call('GET', KEYS[2])
if m and tonumber(m) >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
