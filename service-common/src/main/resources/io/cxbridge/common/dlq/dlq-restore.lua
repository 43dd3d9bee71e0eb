if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[5])
if ARGV[7] == '1' then redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[5]) end
if ARGV[8] ~= '' then redis.call('SET', KEYS[5], ARGV[8], 'PX', ARGV[5]) end
if tonumber(ARGV[9]) > 0 then redis.call('SET', KEYS[6], ARGV[9], 'NX', 'PX', ARGV[5]) end
redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[4])
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return 1
