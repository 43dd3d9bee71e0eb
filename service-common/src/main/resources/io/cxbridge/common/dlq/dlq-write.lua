redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[6])
if ARGV[8] == '1' then redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[6]) end
redis.call('DEL', KEYS[6])
redis.call('PEXPIRE', KEYS[7], ARGV[6])
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[7])
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return 1
