package io.cxbridge.common.health;

/** The shared infrastructure a service depends on. */
public enum Dependency {
    KAFKA,
    REDIS;

    public String id() {
        return name().toLowerCase();
    }
}
