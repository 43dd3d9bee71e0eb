-- Reads one client's idempotency usage (IdempotencyBudget): KEYS are its usage buckets in the window, oldest first,
-- each a hash of 'records' and 'bytes' (absent: nothing written in that bucket, or it expired).
-- Returns {records, bytes} per key, flat, in the order of KEYS. Only reads. Every key carries the client's hash tag,
-- so Redis Cluster runs it on one node.
local usage = {}
for i, key in ipairs(KEYS) do
  local fields = redis.call('HMGET', key, 'records', 'bytes')
  usage[2 * i - 1] = tonumber(fields[1]) or 0
  usage[2 * i] = tonumber(fields[2]) or 0
end
return usage
