package io.cxbridge.deploy;

import java.math.BigDecimal;
import java.util.Map;

/** Kubernetes resource quantities ("200m", "1", "384Mi", "1Gi") as numbers, to compare requests and limits. */
final class Quantities {

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("", BigDecimal.ONE),
            Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)));

    static BigDecimal parse(Object quantity) {
        if (quantity == null) {
            throw new AssertionError("missing quantity");
        }
        String q = String.valueOf(quantity).trim();
        int i = 0;
        while (i < q.length() && (Character.isDigit(q.charAt(i)) || q.charAt(i) == '.')) {
            i++;
        }
        BigDecimal factor = SUFFIXES.get(q.substring(i));
        if (i == 0 || factor == null) {
            throw new AssertionError("not a Kubernetes quantity: " + q);
        }
        return new BigDecimal(q.substring(0, i)).multiply(factor);
    }

    private Quantities() {}
}
