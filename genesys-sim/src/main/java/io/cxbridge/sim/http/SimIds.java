package io.cxbridge.sim.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Ids of the sim's resources, jobs and answers. */
public final class SimIds {

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: ids and correlation ids need to be unique, not
     * unguessable, and {@code UUID.randomUUID()} serialises every event loop on one SecureRandom.
     */
    public static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private SimIds() {}
}
