package io.cxbridge.common.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

class StoredJsonUnitTest {

    record Stored(int attempt, String to) {}

    @Test
    void aStoredRecordGoesThereAndBack() {
        String json = StoredJson.write(new Stored(2, "+15551234567"), "run state");
        assertThat(StoredJson.read(json, Stored.class, "run state")).isEqualTo(new Stored(2, "+15551234567"));
    }

    @Test
    void aValueOfTheWrongTypeIsNamedByItsFieldNeverQuoted() {
        Throwable failure =
                catchThrowable(() -> StoredJson.read("{\"attempt\":\"+15551234567\"}", Stored.class, "run state"));
        assertThat(failure)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("run state cannot be read: field 'attempt' has the wrong type")
                .hasNoCause();
    }

    @Test
    void aDamagedValueIsSaidToBeNotJsonWithoutQuotingIt() {
        Throwable failure = catchThrowable(() -> StoredJson.read("{\"to\":tel15551234567}", Stored.class, "job state"));
        assertThat(failure)
                .hasMessage("job state cannot be read: the stored value is not valid JSON")
                .hasNoCause();
        assertThat(failure.toString()).doesNotContain("5551234567");
    }
}
