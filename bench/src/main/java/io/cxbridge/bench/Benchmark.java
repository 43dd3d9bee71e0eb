package io.cxbridge.bench;

/** One benchmark of {@code ./stack bench <name>}. */
public interface Benchmark {

    String name();

    /** One line for the usage text. */
    String description();

    void run(BenchContext ctx, Report report) throws Exception;
}
