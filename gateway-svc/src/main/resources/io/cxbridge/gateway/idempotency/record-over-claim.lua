-- Keeps a keyed write's record (its answer, a too-large tombstone, an outcome-unknown) for its retention, but only
-- over the call's own claim (IdempotencyStore): when the key is absent (the claim expired) or still holds an
-- in-flight claim with the same fingerprint. A newer record (another fingerprint, or one already done) is left alone,
-- so a write retried late never clobbers it.
-- KEYS[1] the idempotency record; ARGV[1] the call's fingerprint, ARGV[2] the record (JSON), ARGV[3] its retention (ms).
-- Returns 1 when written (or already there: an attempt that timed out may have landed), 0 when left alone. Touches only KEYS[1], so Redis Cluster runs it wherever that key lives.
local held = redis.call('GET', KEYS[1])
if held == ARGV[2] then
  return 1
end
if held then
  local ok, record = pcall(cjson.decode, held)
  if not ok or type(record) ~= 'table' or record['state'] ~= 'in-flight' or record['fingerprint'] ~= ARGV[1] then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
