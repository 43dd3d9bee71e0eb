package io.cxbridge.genesys.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;

/**
 * Genesys's answer with its body still on the wire: {@code body} is paused; the caller pipes it on (or
 * drains it). {@code attempts} counts the upstream attempts made.
 */
public record StreamedResponse(int status, MultiMap headers, HttpClientResponse body, int attempts) {}
