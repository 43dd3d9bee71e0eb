-- Keys as dlq-write.lua. ARGV[1..5] as there; [6] ms left; [7] ttl ms; [8] '1' with a payload; [9] replayedAt or '';
-- [10] replays; [11] the payload budget in bytes (-1: none); [12] the bucket's ttl ms.
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local kept = 1
if ARGV[8] == '1' and tonumber(ARGV[11]) >= 0 then
  local used = 0
  for i = 10, #KEYS do used = used + tonumber(redis.call('GET', KEYS[i]) or '0') end
  local size = string.len(ARGV[3])
  if used + size > tonumber(ARGV[11]) then
    kept = 0
  else
    redis.call('INCRBY', KEYS[9], size)
    redis.call('PEXPIRE', KEYS[9], ARGV[12])
  end
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[6])
if ARGV[8] == '1' then
  if kept == 1 then
    redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[6])
  else
    redis.call('SET', KEYS[8], '1', 'PX', ARGV[6])
  end
end
if ARGV[9] ~= '' then redis.call('SET', KEYS[6], ARGV[9], 'PX', ARGV[6]) end
if tonumber(ARGV[10]) > 0 then redis.call('SET', KEYS[7], ARGV[10], 'NX', 'PX', ARGV[6]) end
redis.call('ZADD', KEYS[1], 'NX', ARGV[4], ARGV[5])
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
end
return 1
