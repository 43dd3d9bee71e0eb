if ARGV[5] ~= '' then
  local c = redis.call('GET', KEYS[3])
  if c and c ~= ARGV[5] then return 0 end
  local cur = redis.call('GET', KEYS[1])
  if cur then
    local st = cjson.decode(cur)['state']
    if st == 'succeeded' or st == 'dead_lettered' then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('DEL', KEYS[3])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
end
return 1
