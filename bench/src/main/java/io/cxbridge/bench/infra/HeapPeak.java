package io.cxbridge.bench.infra;

import com.sun.management.GcInfo;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What another JVM on this machine held in its heap while this ran, from its own management beans over a local JMX
 * connection that the Attach API opens (as jconsole does). The services run without hsperfdata
 * ({@code -XX:-UsePerfData}, docs/decisions.md, issue #20 session 27), so jstat cannot see them.
 *
 * <p>The peak is each heap pool's own peak usage since {@link #start} (the JVM records it at each collection's start),
 * summed: an upper bound of the heap's highest point, garbage included. The heap after a collection is read from each
 * collector's last collection, looked at every {@value #LOOK_MS} ms. Not JFR: once used, its periodic-task thread kept
 * 0.25-0.3 % of a core busy in the gateway for as long as it ran. The local connector stays open in the measured JVM;
 * its RMI threads wait without using CPU.
 */
public final class HeapPeak {

    private static final long LOOK_MS = 50;

    private final JMXConnector connector;
    private final List<MemoryPoolMXBean> heapPools;
    private final Set<String> heapPoolNames;
    private final List<com.sun.management.GarbageCollectorMXBean> collectors;
    private final Map<String, Long> countsAtStart = new HashMap<>();
    private final Map<String, Long> seenIds = new HashMap<>();
    private final ScheduledExecutorService timer;
    private long largestLiveBytes = -1;

    private HeapPeak(long pid, JMXConnector connector) throws IOException {
        this.connector = connector;
        MBeanServerConnection server = connector.getMBeanServerConnection();
        this.heapPools = ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class).stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
        this.heapPoolNames = heapPools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        this.collectors = ManagementFactory.getPlatformMXBeans(server, com.sun.management.GarbageCollectorMXBean.class);
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        for (var gc : collectors) {
            countsAtStart.put(gc.getName(), gc.getCollectionCount());
            GcInfo last = gc.getLastGcInfo();
            seenIds.put(gc.getName(), last == null ? -1 : last.getId());
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heap-peak-" + pid);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::look, LOOK_MS, LOOK_MS, TimeUnit.MILLISECONDS);
    }

    /** Attaches to the JVM {@code pid} and starts watching its heap. */
    public static HeapPeak start(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        try {
            return new HeapPeak(pid, connector);
        } catch (IOException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    /**
     * What the heap held, in KiB: {@code peak} the largest heap used, garbage included; {@code largestLive} the
     * largest heap used right after a collection seen (an upper bound of what was still reachable: a young
     * collection leaves the old generation's garbage), -1 when none was seen; {@code collections} how many ran.
     */
    public record Heap(long peak, long largestLive, long collections) {}

    /** Stops watching and closes the connection; answers what the heap held meanwhile. */
    public Heap stop() throws IOException, InterruptedException {
        timer.shutdown();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        try {
            look();
            long peak = heapPools.stream()
                    .map(MemoryPoolMXBean::getPeakUsage)
                    .mapToLong(MemoryUsage::getUsed)
                    .sum();
            long collections = 0;
            for (var gc : collectors) {
                collections += gc.getCollectionCount() - countsAtStart.get(gc.getName());
            }
            synchronized (this) {
                return new Heap(peak / 1024, largestLiveBytes < 0 ? -1 : largestLiveBytes / 1024, collections);
            }
        } finally {
            connector.close();
        }
    }

    private void look() {
        for (var gc : collectors) {
            GcInfo last;
            try {
                last = gc.getLastGcInfo();
            } catch (RuntimeException e) {
                return; // the JVM went away: stop() reports what was seen
            }
            if (last == null || last.getId() == seenIds.get(gc.getName())) {
                continue;
            }
            seenIds.put(gc.getName(), last.getId());
            long after = last.getMemoryUsageAfterGc().entrySet().stream()
                    .filter(e -> heapPoolNames.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().getUsed())
                    .sum();
            synchronized (this) {
                largestLiveBytes = Math.max(largestLiveBytes, after);
            }
        }
    }
}
