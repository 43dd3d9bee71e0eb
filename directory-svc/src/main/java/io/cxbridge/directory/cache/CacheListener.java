package io.cxbridge.directory.cache;

import io.smallrye.mutiny.Uni;

/** Told of each load a replica actually made (not of loads it took from another replica). */
public interface CacheListener {

    /**
     * Before the load is kept anywhere (the Redis write, L1): its audit event, which the brief wants sent before the
     * change it describes. The cache waits for the returned Uni at most until the load deadline, then keeps the load
     * whatever it answered: a failure (the broker away) is logged and counted, and serving without Kafka wins.
     *
     * @param previous what this replica had before (null on a first populate)
     * @param loading  the directory just read from the source, not kept yet
     */
    default Uni<Void> loading(CachedDirectory previous, CachedDirectory loading) {
        return Uni.createFrom().voidItem();
    }

    /**
     * After the load was kept (the DirectoryUpdated hook).
     *
     * @param previous what this replica had before (null on a first populate)
     * @param loaded   the directory just loaded and stored
     */
    void loaded(CachedDirectory previous, CachedDirectory loaded);

    CacheListener NONE = (previous, loaded) -> {};
}
