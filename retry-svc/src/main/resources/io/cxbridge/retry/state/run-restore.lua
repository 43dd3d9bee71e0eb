if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) end
if ARGV[5] == '1' then redis.call('SET', KEYS[3], '1', 'PX', ARGV[2]) end
return 1
