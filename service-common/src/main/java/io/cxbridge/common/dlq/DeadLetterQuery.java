package io.cxbridge.common.dlq;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.problem.Violation;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The query of a dead-letter listing or bulk replay, read the same way by both APIs: {@code pageSize} 1-100
 * (default 25) and {@code pageNumber} from 1 as Genesys pages, and the filters. Every bad parameter is collected as a
 * violation naming it, answered as one 400 problem.
 */
public final class DeadLetterQuery {

    public static final int DEFAULT_PAGE_SIZE = 25;
    public static final int MAX_PAGE_SIZE = 100;
    static final int MAX_TEXT = 200;
    static final Instant EARLIEST_SINCE = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST_SINCE = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private final List<Violation> violations = new ArrayList<>();
    /** The filters as given, by parameter name, for the listing's URIs. */
    private final Map<String, String> given = new LinkedHashMap<>();

    private int pageSize = DEFAULT_PAGE_SIZE;
    private int pageNumber = 1;
    private String id;
    private String group;
    private Instant since;
    private String reason;

    public DeadLetterQuery paging(String pageSizeParam, String pageNumberParam) {
        pageSize = integer("pageSize", pageSizeParam, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        pageNumber = integer("pageNumber", pageNumberParam, 1, Integer.MAX_VALUE);
        return this;
    }

    /** The id filter ({@code requestId} or {@code jobId}). */
    public DeadLetterQuery id(String name, String value) {
        id = text(name, value);
        return this;
    }

    /** The group filter ({@code actionId}), which must match {@code pattern}. */
    public DeadLetterQuery group(String name, String value, Pattern pattern) {
        if (value != null && !pattern.matcher(value).matches()) {
            violations.add(new Violation(name, "must match " + pattern.pattern()));
            return this;
        }
        group = value;
        remember(name, value);
        return this;
    }

    public DeadLetterQuery since(String value) {
        if (value == null) {
            return this;
        }
        Instant parsed = null;
        try {
            parsed = Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            // reported below
        }
        // a year such as +300000000 parses but is past what a score in milliseconds holds
        if (parsed == null || parsed.isBefore(EARLIEST_SINCE) || parsed.isAfter(LATEST_SINCE)) {
            violations.add(new Violation(
                    "since", "must be an ISO-8601 instant such as 2026-01-31T08:00:00Z, from year 0001 to 9999"));
        } else {
            since = parsed;
            remember("since", value.trim());
        }
        return this;
    }

    public DeadLetterQuery reason(String value) {
        reason = text("reason", value);
        return this;
    }

    public boolean invalid() {
        return !violations.isEmpty();
    }

    /** The 400 problem naming every bad parameter. */
    public Response problem() {
        return ProblemResponses.validation(violations);
    }

    public DeadLetterFilter filter() {
        return new DeadLetterFilter(id, group, since, reason);
    }

    /** The filters as the client gave them, by parameter name. */
    public Map<String, String> filters() {
        return Map.copyOf(given);
    }

    public int pageSize() {
        return pageSize;
    }

    public int pageNumber() {
        return pageNumber;
    }

    /** The envelope for {@code entities} of a listing at {@code path} ({@code /v1/...}, the gateway's path). */
    public <V> DeadLetterListing<V> listing(String path, List<V> entities, long total) {
        long pageCount = (total + pageSize - 1) / pageSize;
        long last = Math.max(1, pageCount);
        Function<Long, String> page = n -> {
            // Values go in as template values, so the builder encodes them (a brace in a reason stays text).
            UriBuilder uri = UriBuilder.fromPath(path);
            Map<String, Object> values = new LinkedHashMap<>();
            given.forEach((name, value) -> {
                uri.queryParam(name, "{" + name + "}");
                values.put(name, value);
            });
            return uri.queryParam("pageSize", pageSize)
                    .queryParam("pageNumber", n)
                    .buildFromMap(values)
                    .toString();
        };
        return new DeadLetterListing<>(
                entities,
                pageSize,
                pageNumber,
                total,
                pageCount,
                page.apply(1L),
                page.apply((long) pageNumber),
                pageNumber > 1 ? page.apply(Math.min(pageNumber - 1L, last)) : null,
                pageNumber < pageCount ? page.apply(pageNumber + 1L) : null,
                page.apply(last));
    }

    private String text(String name, String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > MAX_TEXT) {
            violations.add(new Violation(name, "must be 1 to " + MAX_TEXT + " characters"));
            return null;
        }
        remember(name, value);
        return value;
    }

    private void remember(String name, String value) {
        if (value != null) {
            given.put(name, value);
        }
    }

    private int integer(String name, String raw, int dflt, int max) {
        if (raw == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        violations.add(new Violation(
                name,
                max == Integer.MAX_VALUE
                        ? "must be a whole number of at least 1"
                        : "must be a whole number from 1 to " + max));
        return dflt;
    }
}
