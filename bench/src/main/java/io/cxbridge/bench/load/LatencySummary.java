package io.cxbridge.bench.load;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured. Latencies are in microseconds in the histogram and reported in milliseconds.
 * {@code corrected} is measured from each request's due time (coordinated-omission corrected), {@code raw} from
 * the moment it was handed to the client.
 */
public record LatencySummary(
        String label,
        double targetRate,
        double seconds,
        long sent,
        long completed,
        long errors,
        Map<Integer, Long> statuses,
        Histogram corrected,
        Histogram raw) {

    /** Latencies recorded up to one minute, three significant digits. */
    public static Histogram newHistogram() {
        return new Histogram(60_000_000L, 3);
    }

    public double achievedRate() {
        return seconds <= 0 ? 0 : completed / seconds;
    }

    public double p(double percentile) {
        return corrected.getTotalCount() == 0 ? Double.NaN : corrected.getValueAtPercentile(percentile) / 1000.0;
    }

    public double rawP(double percentile) {
        return raw.getTotalCount() == 0 ? Double.NaN : raw.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMs() {
        return corrected.getTotalCount() == 0 ? Double.NaN : corrected.getMaxValue() / 1000.0;
    }

    public long count(int status) {
        return statuses.getOrDefault(status, 0L);
    }

    /** Responses with a 2xx status. */
    public long ok() {
        return statuses.entrySet().stream()
                .filter(e -> e.getKey() >= 200 && e.getKey() < 300)
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    public String statusText() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(statuses)
                .forEach((k, v) ->
                        sb.append(sb.isEmpty() ? "" : " ").append(k).append(':').append(v));
        if (errors > 0) {
            sb.append(sb.isEmpty() ? "" : " ").append("err:").append(errors);
        }
        return sb.toString();
    }

    public static String ms(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100
                ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
