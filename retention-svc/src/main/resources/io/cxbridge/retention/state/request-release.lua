-- Gives back an end's claim (request-claim.lua) if ARGV[1] still holds it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
