redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[3])
return 1
