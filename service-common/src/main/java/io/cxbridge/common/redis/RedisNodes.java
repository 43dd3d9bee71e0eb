package io.cxbridge.common.redis;

import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Every master node of the Redis this service uses, each reached through a key of this service that hashes to a slot
 * the node serves. On a Redis Cluster one key (the epoch marker) lives on one node and a keyless command
 * ({@code INFO}) reaches one node, so a check that must cover every node needs a key per node: the first of
 * {@code cxbridge:epoch:{<service>}}, {@code cxbridge:epoch:{<service>:1}}, ... whose slot the node serves. The
 * Quarkus client hides the Vert.x cluster client ({@code RedisCluster.onAllMasterNodes} refuses it), so keys are how
 * a command is sent to a node. Standalone Redis (or one that refuses {@code CLUSTER}): one node, the first key. The
 * topology is read once ({@code CLUSTER SLOTS}) and again after {@link #refresh()} (on every reconnect).
 */
@ApplicationScoped
public class RedisNodes {

    private static final Logger LOG = Logger.getLogger(RedisNodes.class);

    /** INFO as a script: a script runs on the node that owns its key's slot. */
    private static final LuaScript INFO_SCRIPT = LuaScript.load(RedisNodes.class, "node-info.lua");

    /** Enough candidates for any cluster: each one is a slot drawn at random, a node is missed 1024 times rarely. */
    private static final int MAX_CANDIDATES = 4096;

    private final RedisAPI redis;
    private final ServiceConfig config;
    private final AtomicBoolean standaloneReported = new AtomicBoolean();
    private volatile List<String> keys;

    public RedisNodes(RedisAPI redis, ServiceConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** The first candidate key: the only one on a standalone Redis. */
    public String baseKey() {
        return candidate(0);
    }

    private String candidate(int i) {
        return "cxbridge:epoch:{" + config.name() + (i == 0 ? "" : ":" + i) + "}";
    }

    /** Forgets the topology: the next call reads it again (a reconnect may have found a resharded cluster). */
    public void refresh() {
        keys = null;
    }

    /** One key of this service per master node, in a stable order (the same on every instance). */
    public Uni<List<String>> keys() {
        List<String> known = keys;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return redis.cluster(List.of("SLOTS"))
                .ifNoItem()
                .after(config.redis().infoTimeout())
                .fail()
                .map(RedisNodes::masters)
                .onFailure(RedisNodes::isRefused)
                .recoverWithItem(e -> {
                    if (!e.getMessage().contains("cluster support disabled")
                            && standaloneReported.compareAndSet(false, true)) {
                        LOG.warnf("Redis refuses CLUSTER SLOTS (%s): checked as a single node", e.getMessage());
                    }
                    return Map.<String, List<int[]>>of();
                })
                .map(masters -> {
                    List<String> found = masters.isEmpty() ? List.of(baseKey()) : keysFor(masters);
                    keys = found;
                    return found;
                });
    }

    /** {@code INFO <section>} of every master node, parsed ({@code field -> value}), in the order of {@link #keys()}. */
    public Uni<List<Map<String, String>>> info(String section) {
        return keys().chain(nodes -> {
            if (nodes.size() == 1) {
                // A single node: plain INFO, which a managed Redis may allow where it refuses scripts.
                return withTimeout(redis.info(List.of(section))).map(r -> List.of(parse(r)));
            }
            return Multi.createFrom()
                    .iterable(nodes)
                    .onItem()
                    .transformToUniAndConcatenate(key -> withTimeout(INFO_SCRIPT.run(redis, List.of("1", key, section)))
                            .map(RedisNodes::parse))
                    .collect()
                    .asList();
        });
    }

    private Uni<Response> withTimeout(Uni<Response> call) {
        return call.ifNoItem().after(config.redis().infoTimeout()).fail();
    }

    /** Slot ranges per master ({@code host:port}) from a {@code CLUSTER SLOTS} answer. */
    static Map<String, List<int[]>> masters(Response slots) {
        Map<String, List<int[]>> out = new LinkedHashMap<>();
        if (slots == null) {
            return out;
        }
        for (Response range : slots) {
            Response master = range.get(2);
            String node = master.get(0).toString() + ":" + master.get(1).toInteger();
            out.computeIfAbsent(node, n -> new ArrayList<>())
                    .add(new int[] {range.get(0).toInteger(), range.get(1).toInteger()});
        }
        return out;
    }

    /** For each master, the first candidate key whose slot it serves; masters sorted, so every instance agrees. */
    List<String> keysFor(Map<String, List<int[]>> masters) {
        List<String> nodes = masters.keySet().stream().sorted().toList();
        Map<String, String> chosen = new LinkedHashMap<>();
        for (int i = 0; i < MAX_CANDIDATES && chosen.size() < nodes.size(); i++) {
            String key = candidate(i);
            // The client's own slot function (CRC16 of the hash tag), the one it routes commands by.
            int slot = ZModem.generate(key);
            for (String node : nodes) {
                if (!chosen.containsKey(node) && serves(masters.get(node), slot)) {
                    chosen.put(node, key);
                }
            }
        }
        return nodes.stream().filter(chosen::containsKey).map(chosen::get).toList();
    }

    private static boolean serves(List<int[]> ranges, int slot) {
        return ranges.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
    }

    /** {@code INFO} answers {@code field:value} lines, with {@code # Section} headers. */
    static Map<String, String> parse(Response info) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = info == null ? "" : info.toString();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                out.put(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** An error reply (a managed Redis that disables a command) rather than no connection. */
    static boolean isRefused(Throwable e) {
        String m = e.getMessage();
        return m != null
                && (m.startsWith("ERR")
                        || m.startsWith("NOPERM")
                        || m.contains("unknown command")
                        || m.contains("not allowed"));
    }
}
