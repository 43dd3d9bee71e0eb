-- INFO as a script: a script runs on the node that owns its key's slot (KEYS[1]), so each master can be asked.
return redis.call('INFO', ARGV[1])
