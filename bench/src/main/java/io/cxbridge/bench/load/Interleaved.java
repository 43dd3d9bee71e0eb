package io.cxbridge.bench.load;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Saturation runs of several targets taken in turn (gateway, nginx, gateway, nginx, ...) rather than one target's
 * runs back to back, so that a slow minute of a shared machine lowers one run of each target, not all runs of
 * one; each figure is then the median of a target's runs.
 */
public final class Interleaved {

    /** One run of the order: which round, which target. */
    public record Run(int round, String target) {}

    /**
     * {@code rounds} rounds of {@code targets} in the given order; a target in {@code firstRoundOnly} runs in the
     * first round only (a reference that needs no median).
     */
    public static List<Run> order(List<String> targets, int rounds, Set<String> firstRoundOnly) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
        }
        List<Run> runs = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (String t : targets) {
                if (r == 1 || !firstRoundOnly.contains(t)) {
                    runs.add(new Run(r, t));
                }
            }
        }
        return runs;
    }

    /** The median (the mean of the middle two for an even count); NaN for none. NaN values are left out. */
    public static double median(Collection<Double> values) {
        double[] v = values.stream()
                .filter(x -> x != null && !Double.isNaN(x))
                .mapToDouble(Double::doubleValue)
                .sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    private Interleaved() {}
}
