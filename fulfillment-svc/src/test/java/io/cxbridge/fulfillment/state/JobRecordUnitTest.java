package io.cxbridge.fulfillment.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each step of a job's record changes what it says and keeps every other field. */
class JobRecordUnitTest {

    private static final Instant RECEIVED = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant STARTED = RECEIVED.plusMillis(100);

    private final JobRecord queued = JobRecord.queued("job-1", "ff-1", RECEIVED, RECEIVED.plusSeconds(30), STARTED);

    @Test
    void aRunMeasuresTheExternalCallAndTheWholeJob() {
        JobRecord done = queued.to(JobState.calling)
                .externalDone(2, STARTED.plusMillis(400), null, null)
                .to(JobState.posting)
                .finished(JobState.complete, 1, RECEIVED.plusMillis(900));
        assertThat(done.state()).isEqualTo(JobState.complete);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.callbackAttempts()).isEqualTo(1);
        assertThat(done.externalMs()).isEqualTo(400L);
        assertThat(done.totalMs()).isEqualTo(900L);
        assertThat(done.externalDoneAt()).isEqualTo(STARTED.plusMillis(400));
        assertThat(done.finishedAt()).isEqualTo(RECEIVED.plusMillis(900));
        assertThat(done)
                .extracting(JobRecord::jobId, JobRecord::fulfillmentId, JobRecord::receivedAt, JobRecord::startedAt)
                .containsExactly("job-1", "ff-1", RECEIVED, STARTED);
        assertThat(done.deadline()).isEqualTo(RECEIVED.plusSeconds(30));
    }

    @Test
    void anErrorIsKeptThroughTheFollowingSteps() {
        JobRecord failed = queued.externalDone(3, STARTED.plusSeconds(1), "EXTERNAL_TIMEOUT", "slow")
                .finished(JobState.failed, 0, STARTED.plusSeconds(2));
        assertThat(failed.errorCode()).isEqualTo("EXTERNAL_TIMEOUT");
        assertThat(failed.errorMessage()).isEqualTo("slow");
        assertThat(failed.withError("INVALID_JOB", "bad").to(JobState.dead_lettered))
                .extracting(JobRecord::errorCode, JobRecord::errorMessage, JobRecord::state, JobRecord::attempts)
                .containsExactly("INVALID_JOB", "bad", JobState.dead_lettered, 3);
    }

    @Test
    void replaysAreCountedAndCarriedIntoTheNextRun() {
        Instant first = RECEIVED.plusSeconds(5);
        Instant second = RECEIVED.plusSeconds(9);
        JobRecord twice = queued.replayed(first).replayed(second);
        assertThat(twice.state()).isEqualTo(JobState.replayed);
        assertThat(twice.replays()).isEqualTo(2);
        assertThat(twice.replayedAt()).isEqualTo(second);

        JobRecord nextRun = JobRecord.queued("job-1", "ff-1", second, second.plusSeconds(30), second);
        assertThat(nextRun.replayHistory(twice))
                .extracting(JobRecord::replays, JobRecord::replayedAt, JobRecord::state, JobRecord::receivedAt)
                .containsExactly(2, second, JobState.queued, second);
        assertThat(nextRun.replayHistory(queued)).isSameAs(nextRun);
        assertThat(nextRun.replayHistory(null)).isSameAs(nextRun);
    }

    @Test
    void noStartNoReceiptNoDuration() {
        JobRecord bare = new JobRecord(
                "j", "f", JobState.queued, 0, 0, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(bare.externalDone(1, STARTED, null, null).externalMs()).isNull();
        assertThat(bare.finished(JobState.complete, 1, STARTED).totalMs()).isNull();
    }

    /** A receivedAt millions of years back (it parses) once overflowed toEpochMilli, and the job was retried. */
    @Test
    void aFarAwayReceivedAtSaturates() {
        Instant far = Instant.parse("-300000000-01-01T00:00:00Z");
        JobRecord done = JobRecord.queued("job-1", "ff-1", far, Instant.parse("+300000000-01-01T00:00:00Z"), STARTED)
                .to(JobState.calling)
                .externalDone(1, STARTED.plusMillis(10), null, null)
                .finished(JobState.complete, 1, STARTED.plusMillis(20));
        assertThat(done.totalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(done.externalMs()).isEqualTo(10L);
    }
}
