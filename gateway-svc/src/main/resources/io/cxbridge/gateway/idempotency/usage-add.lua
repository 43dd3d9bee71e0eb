-- Counts one written idempotency record in its client's current usage bucket (IdempotencyBudget), and keeps the
-- bucket for as long as it can be in the window: the count and its expiry in one step, so a bucket never outlives it.
-- The expiry is only ever extended: an instance with a shorter retention (a rolling deploy, a changed setting) must
-- not cut short a bucket that an instance with a longer one still reads.
-- KEYS[1] the bucket; ARGV[1] the record's size (bytes), ARGV[2] the bucket's lifetime (ms). Touches only KEYS[1].
redis.call('HINCRBY', KEYS[1], 'records', 1)
redis.call('HINCRBY', KEYS[1], 'bytes', ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
