package io.cxbridge.genesys.wiring;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Services get their Clock from service-common; this library's own Quarkus test provides one. */
public class TestClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
