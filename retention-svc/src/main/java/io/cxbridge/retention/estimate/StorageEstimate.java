package io.cxbridge.retention.estimate;

/** The projected storage of keeping {@code retentionDays} of {@code objectType} data (two decimals). */
public record StorageEstimate(
        String objectType,
        int retentionDays,
        double dailyVolumeGB,
        double projectedStorageGB,
        double projectedStorageTB,
        String riskLevel) {}
