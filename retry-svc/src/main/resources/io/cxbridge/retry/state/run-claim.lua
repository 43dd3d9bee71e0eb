local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) <= tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
  return 1
end
return 0
