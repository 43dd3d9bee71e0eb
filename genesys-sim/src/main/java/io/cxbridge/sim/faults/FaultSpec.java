package io.cxbridge.sim.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.sim.config.ConfigPatch;
import io.cxbridge.sim.listing.ListingFault;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /sim/faults} body. {@code retryAfter} is whole seconds (sent as is) or an HTTP date
 * string (sent verbatim, to exercise clients that read both forms).
 */
public record FaultSpec(
        String method,
        String path,
        Integer status,
        Long count,
        Double probability,
        Long latencyMs,
        Long retryAfterSeconds,
        String retryAfterDate,
        boolean drop,
        ListingFault listing) {

    public static final Set<String> FIELDS =
            Set.of("method", "path", "status", "count", "probability", "latencyMs", "retryAfter", "drop", "listing");
    public static final long MAX_LATENCY_MS = 600_000;

    private static final Pattern METHOD = Pattern.compile("[A-Za-z]{1,20}");
    private static final List<String> FAULTABLE = List.of("/api/v2", "/oauth", "/external");

    /** The outcome: a spec, or every violation. */
    public record Parsed(FaultSpec spec, List<Violation> violations) {}

    public String retryAfterHeader() {
        return retryAfterSeconds != null ? String.valueOf(retryAfterSeconds) : retryAfterDate;
    }

    JsonNode retryAfterJson() {
        if (retryAfterSeconds != null) {
            return retryAfterSeconds <= Integer.MAX_VALUE
                    ? IntNode.valueOf(retryAfterSeconds.intValue())
                    : LongNode.valueOf(retryAfterSeconds);
        }
        return retryAfterDate == null ? null : TextNode.valueOf(retryAfterDate);
    }

    public static Parsed parse(JsonNode body) {
        List<Violation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(new Violation("$", "must be a JSON object"));
            return new Parsed(null, violations);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(
                        name,
                        "unknown field; known fields are method, path, status, count, "
                                + "probability, latencyMs, retryAfter, drop, listing"));
            }
        }
        String method = null;
        JsonNode m = body.get("method");
        if (m != null && !m.isNull()) {
            if (!m.isTextual() || !METHOD.matcher(m.textValue()).matches()) {
                violations.add(new Violation(
                        "method", "must be an HTTP method name such as GET or POST, was " + ConfigPatch.describe(m)));
            } else {
                method = m.textValue().toUpperCase(java.util.Locale.ROOT);
            }
        }
        String path = null;
        JsonNode p = body.get("path");
        if (p == null || p.isNull()) {
            violations.add(new Violation("path", "is required (a glob such as /api/v2/routing/**)"));
        } else if (!p.isTextual() || !p.textValue().startsWith("/")) {
            violations.add(new Violation("path", "must be a string starting with /, was " + ConfigPatch.describe(p)));
        } else if (!canMatchFaultablePath(p.textValue())) {
            violations.add(new Violation(
                    "path",
                    "faults apply only to /api/v2/**, /oauth/** and /external/**; " + p.textValue()
                            + " can never match"));
        } else {
            path = p.textValue();
        }
        Integer status = null;
        JsonNode s = body.get("status");
        if (s != null && !s.isNull()) {
            Long v = integer(s, "status", 100, 599, violations);
            status = v == null ? null : v.intValue();
        }
        Long count = null;
        JsonNode c = body.get("count");
        if (c != null && !c.isNull()) {
            count = integer(c, "count", 1, Long.MAX_VALUE, violations);
        }
        Double probability = null;
        JsonNode pr = body.get("probability");
        if (pr != null && !pr.isNull()) {
            if (!pr.isNumber()) {
                violations.add(new Violation(
                        "probability", "must be a number between 0 and 1, was " + ConfigPatch.describe(pr)));
            } else if (pr.doubleValue() < 0 || pr.doubleValue() > 1 || Double.isNaN(pr.doubleValue())) {
                violations.add(new Violation("probability", "must be between 0 and 1, was " + pr.asText()));
            } else {
                probability = pr.doubleValue();
            }
        }
        Long latencyMs = null;
        JsonNode l = body.get("latencyMs");
        if (l != null && !l.isNull()) {
            latencyMs = integer(l, "latencyMs", 0, MAX_LATENCY_MS, violations);
        }
        Long retryAfterSeconds = null;
        String retryAfterDate = null;
        JsonNode r = body.get("retryAfter");
        if (r != null && !r.isNull()) {
            if (r.isTextual()) {
                try {
                    ZonedDateTime.parse(r.textValue(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    retryAfterDate = r.textValue();
                } catch (DateTimeParseException e) {
                    violations.add(new Violation(
                            "retryAfter",
                            "must be whole seconds or an HTTP date such as " + "\"Wed, 21 Oct 2015 07:28:00 GMT\", was "
                                    + ConfigPatch.describe(r)));
                }
            } else {
                retryAfterSeconds = integer(r, "retryAfter", 0, Integer.MAX_VALUE, violations);
            }
        }
        boolean drop = false;
        JsonNode d = body.get("drop");
        if (d != null && !d.isNull()) {
            if (!d.isBoolean()) {
                violations.add(new Violation("drop", "must be true or false, was " + ConfigPatch.describe(d)));
            } else {
                drop = d.booleanValue();
            }
        }
        ListingFault listing = null;
        JsonNode li = body.get("listing");
        if (li != null && !li.isNull()) {
            listing = li.isTextual() ? ListingFault.parse(li.textValue()).orElse(null) : null;
            if (listing == null) {
                violations.add(new Violation(
                        "listing", "must be \"short\" or \"inflated-total\", was " + ConfigPatch.describe(li)));
            } else if (drop || status != null) {
                violations.add(new Violation(
                        "listing",
                        "a listing fault changes the listing's answer; give listing " + "or status/drop, not both"));
            }
        }
        if (drop && status != null) {
            violations.add(new Violation("drop", "a dropped connection has no status; give drop or status, not both"));
        }
        boolean doesSomething = drop
                || status != null
                || listing != null
                || (latencyMs != null && latencyMs > 0)
                || retryAfterSeconds != null
                || retryAfterDate != null;
        if (violations.isEmpty() && !doesSomething) {
            violations.add(new Violation(
                    "$", "a fault needs at least one of status, latencyMs, retryAfter, drop or " + "listing"));
        }
        if (!violations.isEmpty()) {
            return new Parsed(null, violations);
        }
        return new Parsed(
                new FaultSpec(
                        method,
                        path,
                        status,
                        count,
                        probability,
                        latencyMs,
                        retryAfterSeconds,
                        retryAfterDate,
                        drop,
                        listing),
                violations);
    }

    private static boolean canMatchFaultablePath(String glob) {
        if (glob.startsWith("/*")) {
            return true;
        }
        for (String prefix : FAULTABLE) {
            // the glob's literal start must agree with one of the faultable prefixes
            int star = glob.indexOf('*');
            String literal = star < 0 ? glob : glob.substring(0, star);
            if (literal.startsWith(prefix) || prefix.startsWith(literal)) {
                return true;
            }
        }
        return false;
    }

    private static Long integer(JsonNode node, String field, long min, long max, List<Violation> violations) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            violations.add(new Violation(field, "must be an integer, was " + ConfigPatch.describe(node)));
            return null;
        }
        long value = node.longValue();
        if (value < min || value > max) {
            String range = max == Long.MAX_VALUE ? "must be at least " + min : "must be between " + min + " and " + max;
            violations.add(new Violation(field, range + ", was " + value));
            return null;
        }
        return value;
    }
}
