redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[5])
if ARGV[7] == '1' then redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[5]) end
redis.call('DEL', KEYS[5])
redis.call('PEXPIRE', KEYS[6], ARGV[5])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[6])
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
return 1
