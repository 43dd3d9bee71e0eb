package io.cxbridge.retention.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.validation.Violations;
import io.cxbridge.retention.config.RetentionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Validates a policy body and lists every violation at once: Bean Validation (required fields) plus the spec's
 * rules (objectType, licence minimum, schedule, IANA timezone). A valid policy also gets its upstream payload,
 * with the defaults filled in (description, timezone UTC, licence tier, cxbridge metadata tags).
 */
@ApplicationScoped
public class PolicyValidator {

    /**
     * The contract's mapping, except that a fraction is not a whole number: {@code retentionPeriod: 30.7} is refused
     * as the wrong type rather than cut to 30 days.
     */
    private static final ObjectReader READER =
            Json.mapper().reader().without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private final Validator validator;
    private final RetentionConfig config;

    public PolicyValidator(Validator validator, RetentionConfig config) {
        this.validator = validator;
        this.config = config;
    }

    /** {@code prefix} is put in front of each field ("[2]." for the third policy of a list). */
    public ValidatedPolicy validate(JsonNode body, String prefix) {
        return validate(body, prefix, false);
    }

    /**
     * As {@link #validate(JsonNode, String)}, for a target: {@code media} (the media-retention target) does not
     * require {@code schedule}, adds {@link MediaMapping}'s rules and builds the SDK {@code Policy} as the payload.
     */
    public ValidatedPolicy validate(JsonNode body, String prefix, boolean media) {
        if (body == null || !body.isObject()) {
            return new ValidatedPolicy(
                    null,
                    null,
                    List.of(new Violation(
                            prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                            "must be a JSON object (the policy)")));
        }
        RetentionPolicy policy;
        try {
            policy = READER.treeToValue(body, RetentionPolicy.class);
        } catch (MismatchedInputException e) {
            return new ValidatedPolicy(
                    null, null, List.of(new Violation(prefix + ProblemResponses.fieldPath(e), "has the wrong type")));
        } catch (JsonMappingException e) {
            // A whole number beyond int (2147483648): Jackson names the field, the cause says why.
            if (e.getCause() instanceof InputCoercionException && !e.getPath().isEmpty()) {
                return new ValidatedPolicy(
                        null,
                        null,
                        List.of(new Violation(
                                prefix + ProblemResponses.fieldPath(e), "must be a whole number (was out of range)")));
            }
            return new ValidatedPolicy(null, null, List.of(new Violation(prefix + "body", "is not a valid policy")));
        } catch (JsonProcessingException e) {
            return new ValidatedPolicy(null, null, List.of(new Violation(prefix + "body", "is not a valid policy")));
        }
        List<Violation> violations = new ArrayList<>(Violations.of(validator, policy));
        dailyVolume(policy.dailyVolumeGB(), violations);
        rules(policy, violations);
        if (media) {
            // Media policies act at the end of each conversation: a schedule is not required (the plan notes one).
            violations.removeIf(v -> policy.schedule() == null && v.field().equals("schedule"));
            violations.addAll(MediaMapping.violations(policy));
        }
        ObjectNode payload = null;
        if (violations.isEmpty()) {
            payload = media ? MediaMapping.body(policy) : payload(policy);
            tooLarge(body, payload).ifPresent(violations::add);
        } else {
            // the body itself is a lower bound of what would be written: say so now, not after the other fixes
            tooLarge(body, body).ifPresent(violations::add);
        }
        List<Violation> listed = violations.stream()
                .map(v -> new Violation(prefix + v.field(), v.message()))
                .sorted(Comparator.comparing(Violation::field))
                .toList();
        if (!listed.isEmpty()) {
            return new ValidatedPolicy(policy, null, listed);
        }
        return new ValidatedPolicy(policy, payload, List.of());
    }

    /**
     * The most a policy's payload (seed: the upstream body; media-retention: the SDK {@code Policy}) may take,
     * serialised as UTF-8 JSON. A policy travels whole in Kafka records whose producers keep the 1 MiB default
     * {@code max.request.size}: the request record (seed), the {@code policy-set} journal entry (media-retention,
     * written after Genesys took it) and the audit event, whose {@code diff} holds a changed list before and after.
     * A quarter of a record leaves room for that; about 5,000 UUID ids in one filter.
     */
    public static final int MAX_POLICY_BYTES = 256 * 1024;

    /**
     * A violation naming the field that weighs most ({@code filters.<key>} for a filter, else the top-level field)
     * when {@code payload} serialises to more than {@link #MAX_POLICY_BYTES}; checked before anything is queued or
     * written, because the producer would refuse the record only after the 202, or after Genesys took the write.
     */
    static Optional<Violation> tooLarge(JsonNode body, JsonNode payload) {
        int bytes = bytes(payload);
        if (bytes <= MAX_POLICY_BYTES) {
            return Optional.empty();
        }
        String field = "body";
        int largest = -1;
        for (var it = body.fields(); it.hasNext(); ) {
            var f = it.next();
            if (f.getKey().equals("filters") && f.getValue().isObject()) {
                for (var keys = f.getValue().fields(); keys.hasNext(); ) {
                    var k = keys.next();
                    int size = bytes(k.getValue());
                    if (size > largest) {
                        largest = size;
                        field = "filters." + k.getKey();
                    }
                }
            } else {
                int size = bytes(f.getValue());
                if (size > largest) {
                    largest = size;
                    field = f.getKey();
                }
            }
        }
        return Optional.of(new Violation(
                field,
                "makes the policy too large: " + bytes + " bytes serialised, at most " + MAX_POLICY_BYTES
                        + " (it travels whole in one Kafka record); list fewer values or split the policy"));
    }

    private static int bytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * {@code dailyVolumeGB}, when given, is a finite number from 0 to {@link RetentionPolicy#MAX_DAILY_VOLUME_GB}:
     * one violation, replacing Bean Validation's (which passes infinity and words NaN as "must be at least 0").
     */
    private static void dailyVolume(Double volume, List<Violation> violations) {
        if (volume == null || volume >= 0 && volume <= RetentionPolicy.MAX_DAILY_VOLUME_GB) {
            return;
        }
        violations.removeIf(v -> v.field().equals("dailyVolumeGB"));
        violations.add(new Violation("dailyVolumeGB", DAILY_VOLUME_RULE + " (was " + volume + ")"));
    }

    /** What {@code dailyVolumeGB} must be, in the words of a violation (the estimate endpoint uses them too). */
    public static final String DAILY_VOLUME_RULE = "must be a number of GB a day from 0 to "
            + String.format(Locale.ROOT, "%,.0f", RetentionPolicy.MAX_DAILY_VOLUME_GB);

    private void rules(RetentionPolicy p, List<Violation> violations) {
        if (p.objectType() != null
                && !p.objectType().isBlank()
                && PolicyRules.objectType(p.objectType()).isEmpty()) {
            violations.add(
                    new Violation("objectType", "must be one of " + String.join(", ", PolicyRules.OBJECT_TYPES)));
        }
        String tier = tier(p);
        Integer minimum = PolicyRules.minimumDays(tier).orElse(null);
        if (minimum == null) {
            violations.add(new Violation(
                    "licenseTier",
                    "must be one of "
                            + String.join(
                                    ", ",
                                    PolicyRules.LICENSE_MINIMUM_DAYS.keySet().stream()
                                            .sorted()
                                            .toList())));
        } else if (p.retentionPeriod() != null && p.retentionPeriod() > 0 && p.retentionPeriod() < minimum) {
            violations.add(new Violation(
                    "retentionPeriod",
                    "must be at least " + minimum + " days on the " + tier.toUpperCase(Locale.ROOT) + " licence (was "
                            + p.retentionPeriod() + ")"));
        }
        RetentionPolicy.Schedule s = p.schedule();
        if (s == null) {
            return;
        }
        if (s.frequency() != null && !s.frequency().isBlank()) {
            String f = s.frequency().trim().toUpperCase(Locale.ROOT);
            if (!PolicyRules.FREQUENCIES.contains(f)) {
                violations.add(new Violation("schedule.frequency", "must be one of DAILY, WEEKLY, MONTHLY"));
            } else if (f.equals("WEEKLY")) {
                if (s.dayOfWeek() == null || s.dayOfWeek().isBlank()) {
                    violations.add(new Violation("schedule.dayOfWeek", "is required for a WEEKLY schedule"));
                } else if (!PolicyRules.DAYS_OF_WEEK.contains(
                        s.dayOfWeek().trim().toUpperCase(Locale.ROOT))) {
                    violations.add(new Violation("schedule.dayOfWeek", "must be a day of the week (MONDAY to SUNDAY)"));
                }
            } else if (f.equals("MONTHLY")) {
                if (s.dayOfMonth() == null) {
                    violations.add(new Violation("schedule.dayOfMonth", "is required for a MONTHLY schedule"));
                } else if (s.dayOfMonth() < 1 || s.dayOfMonth() > 31) {
                    violations.add(new Violation(
                            "schedule.dayOfMonth", "must be between 1 and 31 (was " + s.dayOfMonth() + ")"));
                }
            }
        }
        if (s.timezone() != null && !validZone(s.timezone())) {
            violations.add(new Violation(
                    "schedule.timezone",
                    "must be an IANA time zone such as Europe/Dublin (was '" + s.timezone() + "')"));
        }
    }

    private static boolean validZone(String zone) {
        if (zone.isBlank()
                || !ZoneId.getAvailableZoneIds().contains(zone.trim())
                        && !zone.trim().equals("UTC")) {
            return false;
        }
        try {
            ZoneId.of(zone.trim());
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private String tier(RetentionPolicy p) {
        return p.licenseTier() == null || p.licenseTier().isBlank() ? config.licenseTier() : p.licenseTier();
    }

    /** The body sent upstream: the policy with every default filled in. */
    ObjectNode payload(RetentionPolicy p) {
        String objectType = PolicyRules.objectType(p.objectType()).orElseThrow();
        RetentionPolicy.Schedule s = p.schedule();
        String frequency = s.frequency().trim().toUpperCase(Locale.ROOT);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("name", p.name().trim());
        out.put(
                "description",
                p.description() == null || p.description().isBlank()
                        ? "Retain " + objectType + " data for " + p.retentionPeriod() + " days (managed by cxbridge)"
                        : p.description());
        out.put("objectType", objectType);
        out.put("retentionPeriod", p.retentionPeriod());
        out.put("enabled", p.enabled());
        ObjectNode schedule = out.putObject("schedule");
        schedule.put("frequency", frequency);
        if (frequency.equals("WEEKLY")) {
            schedule.put("dayOfWeek", s.dayOfWeek().trim().toUpperCase(Locale.ROOT));
        }
        if (frequency.equals("MONTHLY")) {
            schedule.put("dayOfMonth", s.dayOfMonth());
        }
        schedule.put("timezone", s.timezone() == null ? "UTC" : s.timezone().trim());
        if (p.filters() != null && !p.filters().isNull()) {
            out.set("filters", p.filters());
        }
        ObjectNode tags = out.putObject("tags");
        if (p.tags() != null && p.tags().isObject()) {
            tags.setAll((ObjectNode) p.tags());
        } else if (p.tags() != null && p.tags().isArray()) {
            p.tags().forEach(t -> tags.put(t.asText(), "true"));
        }
        tags.put("managedBy", "cxbridge");
        tags.put("licenseTier", tier(p).trim().toUpperCase(Locale.ROOT));
        if (p.dailyVolumeGB() != null) {
            out.put("dailyVolumeGB", p.dailyVolumeGB());
        }
        return out;
    }
}
