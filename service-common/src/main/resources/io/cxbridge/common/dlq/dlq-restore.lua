if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[6])
if ARGV[8] == '1' then redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[6]) end
if ARGV[9] ~= '' then redis.call('SET', KEYS[6], ARGV[9], 'PX', ARGV[6]) end
if tonumber(ARGV[10]) > 0 then redis.call('SET', KEYS[7], ARGV[10], 'NX', 'PX', ARGV[6]) end
redis.call('ZADD', KEYS[1], 'NX', ARGV[4], ARGV[5])
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
end
return 1
