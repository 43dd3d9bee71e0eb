-- KEYS[1..7]: the set, the group's set, e, s, p, r, n; KEYS[8]: the omitted-payload mark;
-- KEYS[9]: the payload bucket this write counts in, KEYS[10..]: every bucket that may still hold a live payload.
-- ARGV[1..5]: entry, summary, payload, score, id; [6] ttl ms; [7] trim below; [8] '1' with a payload;
-- [9] the payload budget in bytes (-1: none); [10] the bucket's ttl ms. Returns 1, or 0 when the payload was not kept.
local kept = 1
if ARGV[8] == '1' and tonumber(ARGV[9]) >= 0 then
  local used = 0
  for i = 10, #KEYS do used = used + tonumber(redis.call('GET', KEYS[i]) or '0') end
  local size = string.len(ARGV[3])
  if used + size > tonumber(ARGV[9]) then
    kept = 0
  else
    redis.call('INCRBY', KEYS[9], size)
    redis.call('PEXPIRE', KEYS[9], ARGV[10])
  end
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[6])
if ARGV[8] == '1' then
  if kept == 1 then
    redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[6])
    redis.call('DEL', KEYS[8])
  else
    redis.call('DEL', KEYS[5])
    redis.call('SET', KEYS[8], '1', 'PX', ARGV[6])
  end
end
redis.call('DEL', KEYS[6])
redis.call('PEXPIRE', KEYS[7], ARGV[6])
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[7])
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return kept
