package io.cxbridge.sim.http;

import io.vertx.ext.web.RoutingContext;

/** Query parameters the sim reads as numbers; one it cannot use is a {@link BadParam} (answered 400). */
public final class QueryParams {

    public static int intParam(RoutingContext ctx, String name, int defaultValue, int min) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParam(name + " must be an integer, was \"" + abbreviate(value) + "\"");
        }
        if (parsed < min) {
            throw new BadParam(name + " must be at least " + min + ", was " + parsed);
        }
        return parsed;
    }

    /** A query parameter that cannot be used; answered 400. */
    public static final class BadParam extends RuntimeException {
        public BadParam(String message) {
            super(message, null, false, false);
        }
    }

    /** A value quoted in a message, cut to 60 characters. */
    public static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private QueryParams() {}
}
