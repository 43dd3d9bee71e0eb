package io.cxbridge.retention.state;

import java.util.Set;

/** The states of a retention request (SPEC: queued, submitted, polling, deployed, failed). */
public enum RequestState {
    queued,
    submitted,
    polling,
    deployed,
    failed;

    public static final Set<RequestState> TERMINAL = Set.of(deployed, failed);

    public boolean terminal() {
        return TERMINAL.contains(this);
    }
}
