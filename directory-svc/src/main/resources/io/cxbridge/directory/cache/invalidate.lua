local m = redis.call('GET', KEYS[2])
if not m or tonumber(m) < tonumber(ARGV[1]) then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]) end
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local t = tonumber(string.match(v, '^{"loadedAtMs":(%d+)'))
if t == nil or t <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
