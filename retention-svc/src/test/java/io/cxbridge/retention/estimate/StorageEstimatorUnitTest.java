package io.cxbridge.retention.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StorageEstimatorUnitTest {

    @Test
    void callNinetyDaysAtTwoAndAHalfGbIs270GbLow() {
        StorageEstimate e = StorageEstimator.estimate("call", 90, 2.5);
        assertEquals(270.0, e.projectedStorageGB());
        assertEquals(0.26, e.projectedStorageTB());
        assertEquals("LOW", e.riskLevel());
    }

    @Test
    void riskThresholdsAtTheirEdges() {
        // interaction has multiplier 1.0: GB = days x volume; 20 TB = 20480 GB, 50 TB = 51200 GB.
        assertEquals("LOW", StorageEstimator.estimate("interaction", 20480, 1).riskLevel());
        assertEquals(
                "MEDIUM", StorageEstimator.estimate("interaction", 20480, 1.001).riskLevel());
        assertEquals(
                "MEDIUM", StorageEstimator.estimate("interaction", 51200, 1).riskLevel());
        assertEquals(
                "HIGH", StorageEstimator.estimate("interaction", 51200, 1.001).riskLevel());
        assertEquals(50.0, StorageEstimator.estimate("interaction", 51200, 1).projectedStorageTB());
    }

    @Test
    void multipliersPerObjectType() {
        assertEquals(80.0, StorageEstimator.estimate("chat", 100, 1).projectedStorageGB());
        assertEquals(150.0, StorageEstimator.estimate("email", 100, 1).projectedStorageGB());
        assertEquals(40.0, StorageEstimator.estimate("task", 100, 1).projectedStorageGB());
        assertEquals(30.0, StorageEstimator.estimate("sms", 100, 1).projectedStorageGB());
    }
}
