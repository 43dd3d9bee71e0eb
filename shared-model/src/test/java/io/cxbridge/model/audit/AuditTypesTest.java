package io.cxbridge.model.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTypesTest {

    @Test
    void allListsEveryTypeOfTheSpecOnce() {
        assertThat(AuditTypes.ALL)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrder(
                        "io.cxbridge.gateway.request",
                        "io.cxbridge.retry.succeeded",
                        "io.cxbridge.retry.attempt-failed",
                        "io.cxbridge.retry.exhausted",
                        "io.cxbridge.retry.dead-lettered",
                        "io.cxbridge.retry.replayed",
                        "io.cxbridge.fulfillment.completed",
                        "io.cxbridge.fulfillment.failed",
                        "io.cxbridge.fulfillment.callback-failed",
                        "io.cxbridge.fulfillment.dead-lettered",
                        "io.cxbridge.fulfillment.replayed",
                        "io.cxbridge.retention.submitted",
                        "io.cxbridge.retention.overlap-detected",
                        "io.cxbridge.retention.deployed",
                        "io.cxbridge.retention.failed",
                        "io.cxbridge.retention.drift-detected",
                        "io.cxbridge.directory.populated",
                        "io.cxbridge.directory.refreshed",
                        "io.cxbridge.directory.invalidated",
                        "io.cxbridge.directory.consistency-mismatch",
                        "io.cxbridge.action.completed",
                        "io.cxbridge.action.failed",
                        "io.cxbridge.action.served-stale");
    }

    @Test
    void everyConstantIsInAll() {
        List<String> constants = Arrays.stream(AuditTypes.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(AuditTypesTest::value)
                .toList();
        assertThat(constants).hasSameSizeAs(AuditTypes.ALL).containsExactlyInAnyOrderElementsOf(AuditTypes.ALL);
    }

    private static String value(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
