package io.cxbridge.retention.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The spec's vocabularies: object types, licence minimums, schedule frequencies and days. */
public final class PolicyRules {

    public static final List<String> OBJECT_TYPES = List.of("call", "chat", "email", "task", "interaction", "sms");
    public static final Map<String, Integer> LICENSE_MINIMUM_DAYS = Map.of("STANDARD", 30, "ENTERPRISE", 7);
    public static final List<String> FREQUENCIES = List.of("DAILY", "WEEKLY", "MONTHLY");
    public static final List<String> DAYS_OF_WEEK =
            List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY");

    public static Optional<String> objectType(String value) {
        return value == null
                ? Optional.empty()
                : OBJECT_TYPES.stream()
                        .filter(t -> t.equalsIgnoreCase(value.trim()))
                        .findFirst();
    }

    public static Optional<Integer> minimumDays(String tier) {
        return tier == null
                ? Optional.empty()
                : Optional.ofNullable(LICENSE_MINIMUM_DAYS.get(tier.trim().toUpperCase(Locale.ROOT)));
    }

    private PolicyRules() {}
}
