-- KEYS[1] the shared token, KEYS[2] the refused hold (one slot: the hold key is hash-tagged to the token key's).
-- ARGV: the sealed token value a 401's read found ('' when Redis held none: then only the hold is looked at), now
-- (epoch ms on the caller's clock), the hold record the caller already knows and its end on the caller's clock
-- (ms; '' and 0 when none).
-- In one step, so that a hold another process writes after the 401's read is never missed: while a hold is on,
-- nothing is deleted; else the token is deleted if it still holds ARGV[1]. A record is its end on the starting
-- process's clock; one the caller already read ends when the caller's copy does (at most a hold after it first read
-- it: TokenProvider.holdEnd), and the caller's own copy holds too. Returns {'held'|'dropped'|'kept', the record}.
local record = redis.call('GET', KEYS[2])
local now = tonumber(ARGV[2])
local ends = tonumber(ARGV[4])
if record and record ~= ARGV[3] then
  ends = math.max(ends, tonumber(record) or 0)
end
if ends > now then
  return {'held', record}
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {'dropped', record}
end
return {'kept', record}
