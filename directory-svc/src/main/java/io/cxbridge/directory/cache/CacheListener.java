package io.cxbridge.directory.cache;

/** Told once per load a replica actually made (not for loads it took from another replica). */
public interface CacheListener {

    /**
     * @param previous what this replica had before (null on a first populate)
     * @param loaded   the directory just loaded and stored
     */
    void loaded(CachedDirectory previous, CachedDirectory loaded);

    CacheListener NONE = (previous, loaded) -> {};
}
