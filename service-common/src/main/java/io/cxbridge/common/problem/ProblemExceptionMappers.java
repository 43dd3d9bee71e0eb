package io.cxbridge.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.validation.Violations;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every HTTP error a service returns is problem+json; nothing internal (stack, class names) leaks into it. */
public class ProblemExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMappers.class);

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        return ProblemResponses.validation(Violations.of(e.getConstraintViolations()).stream()
                .map(v -> new Violation(bodyPath(v.field()), v.message()))
                .toList());
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return ProblemResponses.of(400, "Malformed request", ProblemResponses.unreadableDetail(e, "the body"));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException j) {
            return unreadable(j);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info != null ? info.getReasonPhrase() : "HTTP " + status;
        return ProblemResponses.of(
                status, title, status >= 500 ? "the service could not handle the request" : e.getMessage());
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        LOG.error("unhandled error", e);
        return ProblemResponses.of(500, "Internal error", "the service could not handle the request");
    }

    /** Drops the method and parameter segments Bean Validation puts in front of a body field. */
    static String bodyPath(String path) {
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : path;
    }
}
