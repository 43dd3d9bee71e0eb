-- Admits a newly issued access token to its client's index of live tokens, a sorted set by expiry, and keeps the
-- index within the client's cap (AccessTokens).
-- KEYS[1] the client's index; ARGV[1] the token's Redis key, ARGV[2] its expiry (epoch ms), ARGV[3] now (epoch ms),
-- ARGV[4] the cap, ARGV[5] the token's lifetime (ms).
-- Returns the Redis keys of the tokens pushed out (the oldest first, flat with their scores, as ZPOPMIN answers):
-- the caller deletes them. Touches only KEYS[1], so Redis Cluster runs it wherever that key lives.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[5]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if over > 0 then
  return redis.call('ZPOPMIN', KEYS[1], over)
end
return {}
