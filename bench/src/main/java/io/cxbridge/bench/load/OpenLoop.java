package io.cxbridge.bench.load;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Fixed-rate (open-loop) HTTP/1.1 load to 127.0.0.1: the calling thread paces and writes every due request at once
 * on a free keep-alive connection (at most {@code maxConnections} per port, no pipelining), never waiting for
 * earlier answers; a request that finds no free connection waits for one, and the wait counts in its latency
 * (measured from the due time, see {@link Pacer}). One reader thread takes every answer off the sockets with a
 * selector.
 *
 * <p>Written on plain NIO rather than an HTTP client library on purpose: the generator shares the bench's two cores
 * with what it measures, and the Vert.x client it replaced spent 0.15-0.27 ms of CPU per request (as much as the
 * gateway), so at half of saturation the machine was full and the latency measured the machine. Here a request costs
 * a write, a read and a few microseconds of parsing (docs/decisions.md, "Issue #20 (session 17)").
 */
public final class OpenLoop implements AutoCloseable {

    private final int maxConnections;
    private final Selector selector;
    private final Thread reader;
    private final Map<Integer, Pool> pools = new ConcurrentHashMap<>();
    private final Queue<Connection> toRegister = new ConcurrentLinkedQueue<>();
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private final SlowLog slowLog;
    private volatile boolean closed;

    public OpenLoop(int maxConnections) {
        this(maxConnections, null);
    }

    /**
     * {@code slowLog} (optional) records each measured request slower than its threshold, split into where the time
     * went, to line the slow ones up against GC logs and the machine's run queue.
     */
    public OpenLoop(int maxConnections, SlowLog slowLog) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        this.maxConnections = maxConnections;
        this.slowLog = slowLog;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.reader = new Thread(this::readLoop, "open-loop-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Sends {@code warmupSeconds} of requests unrecorded, then {@code seconds} recorded, at {@code rate} a second.
     * {@code onResponse} (optional) sees each recorded response's status and headers, on the reader thread.
     */
    public LatencySummary run(
            String label,
            double rate,
            double seconds,
            double warmupSeconds,
            LongFunction<RequestSpec> requests,
            BiConsumer<Integer, MultiMap> onResponse) {
        if (warmupSeconds > 0) {
            phase(label, rate, warmupSeconds, requests, null, null);
        }
        SlowLog.Recording slow = slowLog == null ? null : slowLog.start(label);
        LatencySummary summary = phase(label, rate, seconds, requests, onResponse, slow);
        if (slow != null) {
            slow.finish();
        }
        return summary;
    }

    /** What one phase records; shared by its requests. */
    private static final class Phase {
        final Recorder corrected = new Recorder(60_000_000L, 3);
        final Recorder raw = new Recorder(60_000_000L, 3);
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder errors = new LongAdder();
        final AtomicLong lastEnd = new AtomicLong();
        final CountDownLatch done;
        final BiConsumer<Integer, MultiMap> onResponse;
        final SlowLog.Recording slow;

        Phase(long total, BiConsumer<Integer, MultiMap> onResponse, SlowLog.Recording slow) {
            this.done = new CountDownLatch((int) total);
            this.onResponse = onResponse;
            this.slow = slow;
        }

        void answered(int status, MultiMap headers, long intended, long handedOver, long written, int connection) {
            long end = System.nanoTime();
            if (slow != null) {
                slow.offer(intended, handedOver, written, end, connection, status);
            }
            corrected.recordValue(Math.max(0, (end - intended) / 1000));
            raw.recordValue(Math.max(0, (end - handedOver) / 1000));
            statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
            lastEnd.accumulateAndGet(end, Math::max);
            if (onResponse != null) {
                onResponse.accept(status, headers);
            }
            done.countDown();
        }

        void failed() {
            errors.increment();
            done.countDown();
        }
    }

    /** One request: its bytes, when it was due and when the pacer handed it over. */
    private record Exchange(ByteBuffer bytes, boolean head, long intended, long handedOver, Phase phase) {}

    private LatencySummary phase(
            String label,
            double rate,
            double seconds,
            LongFunction<RequestSpec> requests,
            BiConsumer<Integer, MultiMap> onResponse,
            SlowLog.Recording slow) {
        Pacer pacer = new Pacer(rate, Pacer.countFor(rate, seconds));
        Phase phase = new Phase(pacer.total(), onResponse, slow);
        long start = System.nanoTime() + 1_000_000;
        long sent = 0;
        while (sent < pacer.total()) {
            long now = System.nanoTime();
            for (long due = pacer.dueBy(now - start); sent < due; sent++) {
                RequestSpec spec = requests.apply(sent);
                Exchange x = new Exchange(
                        encode(spec),
                        spec.method() == HttpMethod.HEAD,
                        start + pacer.dueOffsetNanos(sent),
                        System.nanoTime(),
                        phase);
                pool(spec.port()).submit(x);
            }
            if (sent < pacer.total()) {
                long wait = start + pacer.dueOffsetNanos(sent) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, 1_000_000));
                }
            }
        }
        try {
            if (!phase.done.await((long) (seconds + 60), TimeUnit.SECONDS)) {
                phase.errors.add(phase.done.getCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double elapsed = Math.max(seconds, (phase.lastEnd.get() - start) / 1e9);
        Map<Integer, Long> counts = new ConcurrentHashMap<>();
        phase.statuses.forEach((k, v) -> counts.put(k, v.sum()));
        Histogram c = phase.corrected.getIntervalHistogram();
        Histogram r = phase.raw.getIntervalHistogram();
        return new LatencySummary(
                label, rate, elapsed, pacer.total(), c.getTotalCount(), phase.errors.sum(), Map.copyOf(counts), c, r);
    }

    /** The request as HTTP/1.1 bytes: what the Vert.x client sent (Host, the spec's headers, Content-Length). */
    static ByteBuffer encode(RequestSpec spec) {
        byte[] body = spec.body() == null ? null : spec.body().getBytes();
        StringBuilder sb = new StringBuilder(256);
        sb.append(spec.method().name())
                .append(' ')
                .append(spec.uri())
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(spec.port())
                .append("\r\n");
        if (spec.headers() != null) {
            spec.headers().forEach(h -> {
                if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("content-length")) {
                    sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                }
            });
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return ByteBuffer.wrap(head);
        }
        return ByteBuffer.allocate(head.length + body.length)
                .put(head)
                .put(body)
                .flip();
    }

    private Pool pool(int port) {
        return pools.computeIfAbsent(port, Pool::new);
    }

    /**
     * The connections to one port. Requests wait in {@code waiting}, free connections in {@code idle}; whoever adds
     * to either then matches the two, so no request waits while a connection is free.
     */
    private final class Pool {
        final int port;
        final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        final Queue<Exchange> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger open = new AtomicInteger();

        Pool(int port) {
            this.port = port;
        }

        void submit(Exchange x) {
            waiting.add(x);
            dispatch();
        }

        void release(Connection c) {
            idle.addFirst(c);
            dispatch();
        }

        void dispatch() {
            while (!waiting.isEmpty() && !closed) {
                Connection c = idle.pollFirst();
                if (c == null) {
                    if (!reserve()) {
                        return;
                    }
                    c = connect();
                    if (c == null) {
                        Exchange x = waiting.poll();
                        if (x != null) {
                            x.phase().failed();
                        }
                        continue;
                    }
                }
                Exchange x = waiting.poll();
                if (x == null) {
                    idle.addFirst(c);
                    continue;
                }
                c.start(x);
            }
        }

        private boolean reserve() {
            for (int n = open.get(); n < maxConnections; n = open.get()) {
                if (open.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** A new connection (its slot already reserved), or null when the port refused it. */
        private Connection connect() {
            try {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Connection c = new Connection(this, ch);
                toRegister.add(c);
                selector.wakeup();
                return c;
            } catch (IOException e) {
                open.decrementAndGet();
                return null;
            }
        }

        void lost(Connection c) {
            idle.remove(c);
            open.decrementAndGet();
            dispatch();
        }
    }

    /** One keep-alive connection: at most one request on it at a time. */
    private final class Connection {
        private static final AtomicInteger IDS = new AtomicInteger();
        final int id = IDS.incrementAndGet();
        final Pool pool;
        final SocketChannel channel;
        final ResponseReader response = new ResponseReader();
        // Set by the thread that writes the request; whoever ends the exchange (answer, failure, close) takes it.
        final AtomicReference<Exchange> current = new AtomicReference<>();
        final AtomicBoolean ended = new AtomicBoolean();
        // When the current request started to go out; set before the write, since the answer may be read before the
        // write call returns.
        volatile long written;

        Connection(Pool pool, SocketChannel channel) {
            this.pool = pool;
            this.channel = channel;
        }

        void start(Exchange x) {
            response.reset(x.head(), x.phase().onResponse != null);
            current.set(x);
            ByteBuffer b = x.bytes();
            written = System.nanoTime();
            try {
                while (b.hasRemaining()) {
                    if (channel.write(b) == 0) {
                        Thread.onSpinWait();
                    }
                }
            } catch (IOException e) {
                close();
            }
        }

        /** The reader thread: bytes arrived (or the end). */
        void readable() {
            Exchange x = current.get();
            try {
                int n;
                while ((n = channel.read(in.clear())) > 0) {
                    in.flip();
                    if (x == null) {
                        throw new IOException("bytes on an idle connection");
                    }
                    if (response.feed(in)) {
                        if (in.hasRemaining()) {
                            throw new IOException("more bytes than one response");
                        }
                        answered(x);
                        if (response.closes()) {
                            close();
                        } else {
                            pool.release(this);
                        }
                        return;
                    }
                }
                if (n < 0) {
                    if (x != null && response.endOfInput()) {
                        answered(x);
                    }
                    close();
                }
            } catch (IOException e) {
                close();
            }
        }

        /** The whole answer to {@code x} is in: recorded, unless a close took the exchange first. */
        private void answered(Exchange x) {
            if (current.compareAndSet(x, null)) {
                x.phase().answered(response.status(), response.headers(), x.intended(), x.handedOver(), written, id);
            }
        }

        /** Closes the connection once; a request still on it has failed. */
        void close() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            SelectionKey key = channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            Exchange x = current.getAndSet(null);
            if (x != null) {
                x.phase().failed();
            }
            pool.lost(this);
        }
    }

    private void readLoop() {
        while (!closed) {
            try {
                selector.select(100);
                for (Connection c; (c = toRegister.poll()) != null; ) {
                    if (c.channel.isOpen()) {
                        c.channel.register(selector, SelectionKey.OP_READ, c);
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        ((Connection) key.attachment()).readable();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    System.err.println("open loop reader: " + e);
                }
            }
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes every connection and stops the reader thread. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key.channel());
        }
        for (Connection c; (c = toRegister.poll()) != null; ) {
            closeQuietly(c.channel);
        }
        closeQuietly(selector);
    }
}
