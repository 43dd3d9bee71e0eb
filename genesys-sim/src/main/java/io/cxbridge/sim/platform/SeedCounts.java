package io.cxbridge.sim.platform;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.cxbridge.sim.config.SimSettings;

/**
 * How many of each platform resource are seeded, and the revision of their content: ids stay the same across
 * revisions, some fields (a user's title and department, a contact's title, a row's priority) change with it,
 * so a test can make "the platform's data changed" happen.
 */
@JsonPropertyOrder({"users", "contacts", "groups", "queues", "datatableRows", "revision"})
public record SeedCounts(int users, int contacts, int groups, int queues, int datatableRows, int revision) {

    public static final int MAX_USERS = 100_000;
    public static final int MAX_CONTACTS = 100_000;
    public static final int MAX_GROUPS_OR_QUEUES = 100;
    public static final int MAX_ROWS = 100_000;

    public static SeedCounts of(SimSettings.Seed seed) {
        return new SeedCounts(seed.users(), seed.contacts(), seed.groups(), seed.queues(), seed.datatableRows(), 1);
    }

    /** Inactive users seeded besides the active ones: one per 100 (so {@code state} filters matter). */
    public int inactiveUsers() {
        return users / 100;
    }
}
