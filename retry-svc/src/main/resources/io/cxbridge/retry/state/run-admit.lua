if redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
  redis.call('DEL', KEYS[3])
elseif redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
elseif redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then
  return 2
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
