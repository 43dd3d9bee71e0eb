-- KEYS[1] the bucket; ARGV: capacity, refill per ms, tokens wanted (a batch), unused tokens given back.
-- Refills on Redis's clock, adds the returned tokens (never past capacity), then grants as many of the wanted
-- tokens as are whole, at least one or none. Returns {granted, wait ms for one token (0 when granted), whole
-- tokens left}.
-- The stored tokens are clamped to the capacity the caller passes, so a caller with a smaller capacity (a process
-- whose RateShaper was lowered by inin-ratelimit-allowed) also lowers what the others find. Kept deliberately (a
-- per-key capacity would be a redesign of every bucket's callers): RateShaper never lowers below 10 % of the
-- configured limit and a lowered limit expires (inin-ratelimit-reset, else 5 minutes), which bounds the damage.
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local back = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil then tokens = cap; ts = now end
if now > ts then tokens = tokens + (now - ts) * rate; ts = now end
tokens = math.min(cap, tokens + back)
local granted = math.min(want, math.floor(tokens))
local wait = 0
if granted >= 1 then tokens = tokens - granted else granted = 0; wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', ts)
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
return {granted, wait, math.floor(tokens)}
