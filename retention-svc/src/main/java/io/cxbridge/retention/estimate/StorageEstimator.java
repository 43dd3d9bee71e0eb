package io.cxbridge.retention.estimate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * GB = days x daily volume x the object type's multiplier; TB = GB / 1024; risk HIGH above 50 TB, MEDIUM above
 * 20 TB, else LOW (on the unrounded TB, so 50.004 TB is HIGH even though it prints as 50.00).
 */
public final class StorageEstimator {

    public static final Map<String, Double> MULTIPLIERS =
            Map.of("call", 1.2, "chat", 0.8, "email", 1.5, "task", 0.4, "interaction", 1.0, "sms", 0.3);
    public static final double HIGH_ABOVE_TB = 50;
    public static final double MEDIUM_ABOVE_TB = 20;

    /** {@code dailyVolumeGB} is finite (callers validate it first): infinity and NaN have no decimal value. */
    public static StorageEstimate estimate(String objectType, int retentionDays, double dailyVolumeGB) {
        if (!Double.isFinite(dailyVolumeGB)) {
            throw new IllegalArgumentException("dailyVolumeGB must be a finite number (was " + dailyVolumeGB + ")");
        }
        double multiplier = MULTIPLIERS.getOrDefault(objectType, 1.0);
        BigDecimal gb = BigDecimal.valueOf(retentionDays)
                .multiply(BigDecimal.valueOf(dailyVolumeGB))
                .multiply(BigDecimal.valueOf(multiplier));
        BigDecimal tb = gb.divide(BigDecimal.valueOf(1024), 12, RoundingMode.HALF_UP);
        return new StorageEstimate(
                objectType,
                retentionDays,
                dailyVolumeGB,
                gb.setScale(2, RoundingMode.HALF_UP).doubleValue(),
                tb.setScale(2, RoundingMode.HALF_UP).doubleValue(),
                risk(tb.doubleValue()));
    }

    static String risk(double tb) {
        if (tb > HIGH_ABOVE_TB) {
            return "HIGH";
        }
        return tb > MEDIUM_ABOVE_TB ? "MEDIUM" : "LOW";
    }

    private StorageEstimator() {}
}
