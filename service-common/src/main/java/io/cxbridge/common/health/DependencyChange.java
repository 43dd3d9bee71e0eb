package io.cxbridge.common.health;

/** A CDI event fired when a dependency becomes reachable ({@code up}) or is lost. */
public record DependencyChange(Dependency dependency, boolean up) {}
