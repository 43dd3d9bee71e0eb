local c = redis.call('GET', KEYS[1])
if c and c ~= ARGV[1] then return 0 end
return 1
