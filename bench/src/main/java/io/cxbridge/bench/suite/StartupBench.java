package io.cxbridge.bench.suite;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up time and idle RSS of every part of the bench stack: Quarkus's own "started in" from each log, the time
 * `./stack up` waited for each part to be ready (parsed from its output), and VmRSS from /proc.
 */
public final class StartupBench implements Benchmark {

    static final List<String> PARTS = List.of(
            "kafka",
            "redis",
            "genesys-sim",
            "retry-svc",
            "fulfillment-svc",
            "retention-svc",
            "directory-svc",
            "gateway-svc");
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
    private static final Pattern READY = Pattern.compile("^\\s+(\\S+) ready after ([0-9]+)s", Pattern.MULTILINE);

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public String description() {
        return "start-up time and idle RSS of each service";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        Path up = ctx.state().resolve("stack-up.out");
        String upOut = Files.exists(up) ? Files.readString(up) : "";
        Table t = new Table(
                "Start-up and idle memory",
                "part",
                "Quarkus started in (s)",
                "ready wait in ./stack up (s)",
                "RSS idle (MiB)",
                "pid");
        for (String part : PARTS) {
            OptionalLong pid = ctx.pid(part);
            String started = "-";
            Path log = ctx.state().resolve("logs").resolve(part + ".log");
            if (Files.exists(log)) {
                Matcher m = STARTED.matcher(Files.readString(log));
                if (m.find()) {
                    started = m.group(1);
                }
            }
            String ready = "-";
            Matcher r = READY.matcher(upOut);
            while (r.find()) {
                if (r.group(1).equals(part)) {
                    ready = r.group(2);
                }
            }
            t.row(
                    part,
                    started,
                    ready,
                    pid.isPresent() ? Procs.mib(Procs.rssKiB(pid.getAsLong())) : "-",
                    pid.isPresent() ? pid.getAsLong() : "-");
        }
        t.note("All six JVMs start at once on the same cores, so each start-up is slower than alone. `./stack up` "
                + "waits for the parts one after the other: a wait of 0-1 s means the part was already ready when its "
                + "turn came. The whole `./stack up` (build skipped) took "
                + ctx.env("BENCH_STACK_UP_SECONDS", "?")
                + " s. " + jvms(ctx));
        report.add(t);
        if (!"false".equals(ctx.env("BENCH_STARTUP_ALONE", "true"))) {
            alone(ctx, report);
        }
    }

    /**
     * Each service started once more, alone (one at a time, beside the idle stack, on a port of its own): wall time
     * from the process start to its first 200 on /q/health/ready, Quarkus's own figure, and VmRSS then.
     */
    private void alone(BenchContext ctx, Report report) throws Exception {
        int port = ctx.port("BENCH_ALONE_PORT", 29087);
        // The services answer health on their management interface; genesys-sim on its API port.
        int management = ctx.port("BENCH_ALONE_MGMT_PORT", 30087);
        Table t = new Table(
                "Start-up of each service alone (a second instance, one at a time, beside the idle stack)",
                "service",
                "process start to ready (s)",
                "Quarkus started in (s)",
                "RSS at ready (MiB)");
        for (String service : List.of(
                "genesys-sim", "gateway-svc", "retry-svc", "fulfillment-svc", "retention-svc", "directory-svc")) {
            Path jar = ctx.root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.exists(jar)) {
                continue;
            }
            // As ./stack starts each service: its heap, and the collector of its container image.
            List<String> cmd = new java.util.ArrayList<>(List.of("java"));
            cmd.addAll(ctx.serviceJavaOptions(service));
            cmd.addAll(List.of(
                    "-Dquarkus.profile=local,bench", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port));
            int healthPort = service.equals("genesys-sim") ? port : management;
            if (!service.equals("genesys-sim")) {
                cmd.addAll(List.of("-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management));
                cmd.addAll(List.of(
                        "-Dkafka.bootstrap.servers=" + ctx.kafka(),
                        "-Dquarkus.redis.hosts=redis://127.0.0.1:" + ctx.redisPort(),
                        "-Dcxbridge.genesys.base-url=http://127.0.0.1:" + ctx.sim()));
            }
            if (service.equals("fulfillment-svc")) {
                // As ./stack wires it: the sim's echo endpoint is its external API, and the sim the one http host its
                // URL policy lets results and the echo action go to (the local profile names port 8090, so without
                // these it refused the echo action's URL and did not start).
                cmd.addAll(List.of(
                        "-Dcxbridge.fulfillment.external.url=http://127.0.0.1:" + ctx.sim() + "/external/api",
                        "-Dcxbridge.fulfillment-url.test-hosts=127.0.0.1:" + ctx.sim()));
            }
            cmd.addAll(List.of("-jar", jar.toString()));
            Path log = ctx.state().resolve("logs").resolve("startup-alone-" + service + ".log");
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            double ready = Double.NaN;
            String rss = "-";
            try {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < deadline && p.isAlive()) {
                    if (readyOn(healthPort)) {
                        ready = (System.nanoTime() - start) / 1e9;
                        rss = Procs.mib(Procs.rssKiB(p.pid()));
                        break;
                    }
                    BenchContext.sleep(java.time.Duration.ofMillis(100));
                }
            } finally {
                p.destroy();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            Matcher m = STARTED.matcher(Files.readString(log));
            t.row(
                    service,
                    Double.isNaN(ready)
                            ? "not ready (see " + ctx.root().relativize(log) + ")"
                            : String.format(java.util.Locale.ROOT, "%.1f", ready),
                    m.find() ? m.group(1) : "-",
                    rss);
        }
        t.note(
                "Ready = Kafka and Redis reachable where the service needs them (retry, fulfillment, retention). The "
                        + "second retry-svc and fulfillment-svc join their consumer groups briefly (a rebalance of the stack's).");
        report.add(t);
    }

    private static boolean readyOn(int port) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net
                    .URI
                    .create("http://127.0.0.1:" + port + "/q/health/ready")
                    .toURL()
                    .openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The stack's JVM options, as ./stack gives them (the collector per part, as its image). */
    private static String jvms(BenchContext ctx) {
        String most = String.join(" ", ctx.serviceJavaOptions("gateway-svc"));
        String g1 = String.join(" ", ctx.serviceJavaOptions("fulfillment-svc"));
        return most.equals(g1)
                ? "Every JVM runs with " + most + "."
                : "The JVMs run with " + most + ", fulfillment-svc and genesys-sim with " + g1
                        + " (the collector of each part's image).";
    }
}
