package io.cxbridge.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saturation (closed-loop) load with Debian's {@code wrk}: {@code connections} keep-alive connections each send
 * the next request as soon as the last is answered, for {@code seconds}. Its throughput is the figure we use; its
 * latencies are closed-loop (coordinated omission not corrected) and shown for reference only.
 */
public final class Wrk {

    /** What wrk printed, parsed. */
    public record Result(
            String label,
            double requestsPerSecond,
            long requests,
            double seconds,
            long non2xx,
            long socketErrors,
            double p50Ms,
            double p99Ms,
            String rawOutput) {
        /** 2xx answers a second. */
        public double okPerSecond() {
            return seconds <= 0 ? 0 : (requests - non2xx) / seconds;
        }
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in ([0-9.]+)(m?s|m)\\b");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
    private static final Pattern SOCKET =
            Pattern.compile("Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)");
    private static final Pattern PCT =
            Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            p.waitFor(5, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs wrk against {@code url}; {@code postJson} non-null makes every request that POST. */
    public static Result run(
            String label,
            String url,
            Map<String, String> headers,
            String postJson,
            int threads,
            int connections,
            int seconds,
            Path workDir)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "--timeout", "10s"));
        headers.forEach((k, v) -> {
            cmd.add("-H");
            cmd.add(k + ": " + v);
        });
        if (postJson != null) {
            Path script = workDir.resolve("wrk-post-" + Math.abs(postJson.hashCode()) + ".lua");
            Files.createDirectories(workDir);
            Files.writeString(
                    script,
                    "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n" + "wrk.body = [==["
                            + postJson + "]==]\n");
            cmd.add("-s");
            cmd.add(script.toString());
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return parse(label, out);
    }

    public static Result parse(String label, String out) {
        double rps = find(RPS, out).map(Double::parseDouble).orElse(0.0);
        long total = 0;
        double secs = 0;
        Matcher t = TOTAL.matcher(out);
        if (t.find()) {
            total = Long.parseLong(t.group(1));
            double v = Double.parseDouble(t.group(2));
            secs = switch (t.group(3)) {
                case "ms" -> v / 1000;
                case "m" -> v * 60;
                default -> v;
            };
        }
        long non2xx = find(NON2XX, out).map(Long::parseLong).orElse(0L);
        long socket = 0;
        Matcher s = SOCKET.matcher(out);
        if (s.find()) {
            for (int g = 1; g <= 4; g++) {
                socket += Long.parseLong(s.group(g));
            }
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher m = PCT.matcher(out);
        while (m.find()) {
            double ms = toMs(Double.parseDouble(m.group(2)), m.group(3));
            if (m.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        return new Result(label, rps, total, secs, non2xx, socket, p50, p99, out);
    }

    private static double toMs(double v, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static java.util.Optional<String> find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private Wrk() {}
}
