package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.audit.RequestAudit;
import io.cxbridge.gateway.audit.RequestContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses, with 400 and before anything else looks at it, a path that could climb out of where it points:
 * {@code .} or {@code ..} segments, encoded dots, slashes or backslashes ({@code %2e}, {@code %2f},
 * {@code %5c}), backslashes, and control characters, raw or encoded. Checked on the raw request line, so
 * nothing the HTTP layer normalises away can hide a traversal.
 */
@ApplicationScoped
public class PathGuard {

    public static final int ORDER = RequestAudit.ORDER + 1;

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        Optional<String> problem = problem(rawPath(rc.request().uri()));
        if (problem.isPresent()) {
            RequestContext.problem(rc, 400, "Bad Request", problem.get());
            return;
        }
        rc.next();
    }

    static String rawPath(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Why a raw path is refused, or empty when it is acceptable. */
    static Optional<String> problem(String rawPath) {
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.of("the path contains a control character");
            }
            if (c == '\\') {
                return Optional.of("the path contains a backslash");
            }
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) {
            return Optional.of("the path contains an encoded dot, slash or backslash");
        }
        if (lower.matches(".*%(0[0-9a-f]|1[0-9a-f]|7f).*")) {
            return Optional.of("the path contains an encoded control character");
        }
        for (String segment : rawPath.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of("the path contains a '" + segment + "' segment");
            }
        }
        return Optional.empty();
    }

    /** Collapses runs of slashes: {@code /api//v2///x} is {@code /api/v2/x}. */
    static String collapse(String path) {
        return path.replaceAll("/{2,}", "/");
    }
}
