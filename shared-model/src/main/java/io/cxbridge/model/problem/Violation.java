package io.cxbridge.model.problem;

/** One invalid field of a request: {@code field} is the JSON path of the value, {@code message} what is wrong. */
public record Violation(String field, String message) {}
