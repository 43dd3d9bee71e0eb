-- The resubmitter's poll in one round trip: the runs due by ARGV[1] (epoch ms), at most ARGV[2] of them, the
-- earliest first, after the score of the earliest run due later ('' when there is none, or when the batch is full
-- and the poller looks again soon anyway).
local limit = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)
local later = ''
if #ids < limit then
  local first = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if #first == 2 then
    later = first[2]
  end
end
table.insert(ids, 1, later)
return ids
