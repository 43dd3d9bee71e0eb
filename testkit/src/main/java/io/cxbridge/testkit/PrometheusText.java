package io.cxbridge.testkit;

import java.util.OptionalDouble;
import java.util.stream.DoubleStream;

/**
 * Samples read from a {@code /q/metrics} page. A sample line is {@code name{labels} value [timestamp]}, and on the
 * services' pages it may end with an exemplar, {@code # {trace_id="…"} value timestamp}: the sample's value is the
 * token after the series, never the line's last token (which is then the exemplar's timestamp, and stays the same
 * until the exemplar is replaced).
 */
public final class PrometheusText {

    private PrometheusText() {}

    /** The sum of every series of {@code name}; 0 when there is none. */
    public static double sum(String page, String name) {
        return sum(page, name, "");
    }

    /** The sum of the series of {@code name} whose labels contain {@code labels} (e.g. {@code outcome="ok"}). */
    public static double sum(String page, String name, String labels) {
        return samples(page, name, labels).sum();
    }

    /** The largest sample of the series of {@code name} whose labels contain {@code labels}. */
    public static OptionalDouble max(String page, String name, String labels) {
        return samples(page, name, labels).max();
    }

    private static DoubleStream samples(String page, String name, String labels) {
        return page.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> labels.isEmpty() || labelsOf(l, name).contains(labels))
                .mapToDouble(l -> value(l, name));
    }

    /** The {@code {…}} of a sample line of {@code name}, or "" when it has no labels. */
    static String labelsOf(String line, String name) {
        int start = name.length();
        return line.charAt(start) == '{' ? line.substring(start, endOfLabels(line, start) + 1) : "";
    }

    /** The value of a sample line of {@code name}. */
    static double value(String line, String name) {
        int from = name.length();
        if (line.charAt(from) == '{') {
            from = endOfLabels(line, from) + 1;
        }
        while (from < line.length() && line.charAt(from) == ' ') {
            from++;
        }
        int to = line.indexOf(' ', from);
        String token = to < 0 ? line.substring(from) : line.substring(from, to);
        return switch (token) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(token);
        };
    }

    /** The index of the {@code }} closing the labels opened at {@code open}; a quoted value may hold braces. */
    private static int endOfLabels(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed labels in a metrics line: " + line);
    }
}
