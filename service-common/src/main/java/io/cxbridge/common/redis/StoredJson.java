package io.cxbridge.common.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.common.messaging.PermanentFailure;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.Json;

/**
 * The JSON of a record kept in Redis (a run's, a job's, a request's, an idempotent answer's state). A value that
 * cannot be read fails with the schema's words only and without Jackson's exception as its cause: Jackson's message
 * quotes the value it stopped at, the value holds a customer's inputs or an answer's body, and the failure reaches
 * the log with its causes. Both failures are {@link PermanentFailure}s: retrying cannot make the value read.
 */
public final class StoredJson {

    public static String write(Object record, String what) {
        try {
            return Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            // writing names the record's types and properties, never its values
            throw new PermanentFailure(what + " cannot be written", e);
        }
    }

    public static <T> T read(String json, Class<T> type, String what) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new PermanentFailure(
                    what + " cannot be read: " + ProblemResponses.unreadableDetail(e, "the stored value"));
        }
    }

    private StoredJson() {}
}
