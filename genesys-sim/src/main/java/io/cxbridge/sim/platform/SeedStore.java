package io.cxbridge.sim.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.sim.config.ConfigPatch;
import io.cxbridge.sim.config.SimSettings;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The current {@link SeedData}: built from {@code cxbridge.sim.seed.*} at start-up (an eager bean, so the first
 * request does not pay for it), rebuilt identically by
 * {@code POST /sim/reset}, and with other counts or a new revision by {@code POST /sim/seed}. Readers take one
 * snapshot per request, so a re-seed never mixes two seeds in one answer.
 */
@ApplicationScoped
@Startup
public class SeedStore {

    private static final Logger LOG = Logger.getLogger(SeedStore.class);
    private static final Set<String> FIELDS =
            Set.of("users", "contacts", "groups", "queues", "datatableRows", "revision");

    /** The start-up seed, kept: a reset puts it back without rebuilding (no work on the event loop). */
    private final SeedData defaults;

    private final AtomicReference<SeedData> current = new AtomicReference<>();

    public SeedStore(SimSettings settings) {
        SeedCounts counts = SeedCounts.of(settings.seed());
        List<Violation> violations = validate(counts);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException("cxbridge.sim.seed.* is out of range: " + violations);
        }
        this.defaults = build(counts);
        current.set(defaults);
    }

    public SeedData data() {
        return current.get();
    }

    /** Back to the start-up seed. */
    public void reset() {
        current.set(defaults);
    }

    /** The outcome of {@link #reseed}: the new seed, or every violation (and nothing changed). */
    public record Reseeded(SeedData data, List<Violation> violations) {}

    /**
     * Re-seeds with the given counts (any subset; the others stay as they are). Builds the data on the calling
     * thread: call it off the event loop (100,000 users take seconds).
     */
    public Reseeded reseed(JsonNode body) {
        List<Violation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(new Violation("$", "must be a JSON object"));
            return new Reseeded(null, violations);
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(
                        name,
                        "unknown field; known fields are "
                                + String.join(
                                        ", ",
                                        List.of(
                                                "users",
                                                "contacts",
                                                "groups",
                                                "queues",
                                                "datatableRows",
                                                "revision"))));
            }
        });
        SeedCounts now = current.get().counts();
        SeedCounts wanted = new SeedCounts(
                intField(body, "users", now.users(), violations),
                intField(body, "contacts", now.contacts(), violations),
                intField(body, "groups", now.groups(), violations),
                intField(body, "queues", now.queues(), violations),
                intField(body, "datatableRows", now.datatableRows(), violations),
                intField(body, "revision", now.revision(), violations));
        // a field of the wrong type kept its current (valid) value, so the ranges can be checked as well
        violations.addAll(validate(wanted));
        if (!violations.isEmpty()) {
            return new Reseeded(null, violations);
        }
        SeedData data = build(wanted);
        current.set(data);
        return new Reseeded(data, violations);
    }

    private static int intField(JsonNode body, String name, int fallback, List<Violation> violations) {
        JsonNode value = body.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            violations.add(new Violation(name, "must be a whole number, was " + ConfigPatch.describe(value)));
            return fallback;
        }
        return value.intValue();
    }

    private static List<Violation> validate(SeedCounts c) {
        List<Violation> violations = new ArrayList<>();
        range(violations, "users", c.users(), 0, SeedCounts.MAX_USERS);
        range(violations, "contacts", c.contacts(), 0, SeedCounts.MAX_CONTACTS);
        range(violations, "groups", c.groups(), 0, SeedCounts.MAX_GROUPS_OR_QUEUES);
        range(violations, "queues", c.queues(), 0, SeedCounts.MAX_GROUPS_OR_QUEUES);
        range(violations, "datatableRows", c.datatableRows(), 0, SeedCounts.MAX_ROWS);
        range(violations, "revision", c.revision(), 1, 1_000_000);
        return violations;
    }

    private static void range(List<Violation> violations, String field, int value, int min, int max) {
        if (value < min || value > max) {
            violations.add(new Violation(field, "must be between " + min + " and " + max + ", was " + value));
        }
    }

    private static SeedData build(SeedCounts counts) {
        long started = System.nanoTime();
        SeedData data = new SeedData(counts);
        LOG.infof("seeded %s in %d ms", counts, (System.nanoTime() - started) / 1_000_000);
        return data;
    }

    /** The JSON of {@code GET /sim/seed}: the counts and the ids tests and the local stack need. */
    public static ObjectNode view(SeedData data) {
        ObjectNode out = Json.mapper().createObjectNode();
        SeedCounts c = data.counts();
        ObjectNode counts = out.putObject("counts");
        counts.put("users", c.users());
        counts.put("inactiveUsers", c.inactiveUsers());
        counts.put("contacts", c.contacts());
        counts.put("groups", c.groups());
        counts.put("queues", c.queues());
        counts.put("datatableRows", c.datatableRows());
        counts.put("revision", c.revision());
        ArrayNode groups = out.putArray("groups");
        for (Map.Entry<String, String> g : data.groups().entrySet()) {
            groups.addObject()
                    .put("id", g.getKey())
                    .put("name", g.getValue())
                    .put("members", data.groupMembers(g.getKey()).size());
        }
        ArrayNode queues = out.putArray("queues");
        for (Map.Entry<String, String> q : data.queues().entrySet()) {
            queues.addObject()
                    .put("id", q.getKey())
                    .put("name", q.getValue())
                    .put("members", data.queueMembers(q.getKey()).size());
        }
        out.putArray("datatables")
                .addObject()
                .put("id", data.datatableId())
                .put("name", "Seeded table")
                .put("rows", c.datatableRows());
        return out;
    }
}
