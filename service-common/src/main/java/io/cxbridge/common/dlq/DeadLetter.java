package io.cxbridge.common.dlq;

import java.time.Instant;

/**
 * What the dead-letter core needs to know of a service's dead letter: its id (the requestId or jobId the API
 * names it by), when it was dead-lettered (the listing's order), its group ({@code actionId}, or null where a service
 * has none) and why ({@code errorClass}, {@code reason}: the {@code reason} filter matches either).
 */
public interface DeadLetter {

    String id();

    Instant deadLetteredAt();

    String group();

    String errorClass();

    String reason();
}
