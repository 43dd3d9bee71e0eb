package io.cxbridge.genesys.retry;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110). What it answers is capped at {@link #MAX}:
 * an absurd value ({@code 99999999999999999}, a date in the year 9999) is a wait no call makes, and must not overflow
 * the arithmetic of whoever adds it to a time.
 */
public final class RetryAfter {

    /**
     * The longest wait a {@code Retry-After} is taken to ask for: far past any wait a service makes, so each still
     * sees a long one as too long for it (retry-svc dead-letters a run whose wait passes its pending TTL, 7 days; a
     * cap of a day made it wait a day instead), and near enough that adding it to any instant of this era is safe.
     */
    public static final Duration MAX = Duration.ofDays(3650);

    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (digitsOnly(v)) {
            // More digits than a long holds is more than the cap.
            return Optional.of(v.length() > 18 ? MAX : capped(Duration.ofSeconds(Long.parseLong(v))));
        }
        if (v.startsWith("-") && digitsOnly(v.substring(1))) {
            return Optional.empty();
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : capped(d));
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        } catch (DateTimeException | ArithmeticException outOfRange) {
            return Optional.of(MAX);
        }
    }

    private static Duration capped(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    private static boolean digitsOnly(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private RetryAfter() {}
}
