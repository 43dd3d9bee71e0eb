package io.cxbridge.bench;

/**
 * Issue #20's figures, each with its target and the benchmark that measures it: every run's targets table lists
 * all of them, "not measured" where the run left that benchmark out.
 */
public enum Goal {
    NGINX_RATIO_16("gateway / nginx throughput, 16 connections (medians of interleaved runs)", ">= 0.3", "proxy"),
    NGINX_RATIO_64("gateway / nginx throughput, 64 connections (medians of interleaved runs)", ">= 0.3", "proxy"),
    SCALING("gateway throughput at 64 connections vs at 16", ">= 1.0x", "proxy"),
    CPU_PER_REQUEST("gateway CPU per proxied request (each connection count)", "<= 0.1 ms", "proxy"),
    ADDED_P50("latency the gateway adds at p50, half of saturation (vs the sim direct)", "< 0.3 ms", "proxy"),
    CLOSED_LOOP_P99("closed-loop p99 at 64 connections", "<= 3x nginx's", "proxy"),
    AUDIT_PER_REQUEST("audit events (cxbridge.audit.v1) in the gateway's measured wrk runs", ">= requests", "proxy"),
    LOG_PER_REQUEST("request log lines in the gateway's measured wrk runs", ">= requests", "proxy"),
    INGESTION("failed-run ingestion answered 202 (also #11)", ">= 10,000/s", "ingest"),
    FULFILLMENT_ACK("fulfillment ack p99 at 500/s, ack path warmed first (also #11)", "< 20 ms", "fulfillment"),
    DIRECTORY_L1_DIRECT("directory L1 hit p99, straight to directory-svc", "< 1 ms", "directory"),
    DIRECTORY_L1_GATEWAY("directory L1 hit p99, through the gateway", "< 2 ms", "directory"),
    IDLE_CPU("idle CPU of each service", "< 1 % of a core", "idle");

    private final String figure;
    private final String target;
    private final String benchmark;

    Goal(String figure, String target, String benchmark) {
        this.figure = figure;
        this.target = target;
        this.benchmark = benchmark;
    }

    public String figure() {
        return figure;
    }

    public String target() {
        return target;
    }

    public String benchmark() {
        return benchmark;
    }
}
