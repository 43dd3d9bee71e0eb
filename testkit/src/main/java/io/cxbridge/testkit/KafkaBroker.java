package io.cxbridge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (broker and controller combined) running in the test JVM.
 * One per JVM ({@link #shared()}, across test profiles: see {@link JvmWide}); it keeps its ports and log directory
 * across {@link #stop()} / {@link #start()}, so clients reconnect to the same address after a restart.
 */
public final class KafkaBroker {

    private static KafkaBroker shared;

    /** The system class loader's broker this copy forwards to (see {@link JvmWide}), or null for the broker itself. */
    private final Object home;

    private final int port;
    private final int controllerPort;
    private final Path dir;
    private final Properties props;
    private KafkaRaftServer server;

    private KafkaBroker(Object home) {
        this.home = home;
        this.port = 0;
        this.controllerPort = 0;
        this.dir = null;
        this.props = null;
    }

    private KafkaBroker() {
        home = null;
        port = FreePorts.next();
        controllerPort = FreePorts.next();
        try {
            dir = Files.createTempDirectory("kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        format();
    }

    /** The broker of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            Class<?> home = JvmWide.home(KafkaBroker.class);
            shared = home != null ? new KafkaBroker(JvmWide.shared(home)) : startShared();
        }
        return shared;
    }

    private static KafkaBroker startShared() {
        return JvmWide.withContextLoaderOf(KafkaBroker.class, () -> {
            reportBrokerExits();
            KafkaBroker broker = new KafkaBroker();
            broker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "kafka-broker-stop"));
            return broker;
        });
    }

    /**
     * The broker ends the JVM itself on a fatal error (Kafka's {@code Exit.exit} / {@code Exit.halt}); in a test JVM
     * that is a fork which "terminated without saying goodbye" and no word why. Each such call is written to standard
     * error and to {@code kafka-broker-exit.txt} in {@code java.io.tmpdir} (a module's {@code target}), with the
     * calling stack, before the JVM ends as Kafka asked.
     */
    private static void reportBrokerExits() {
        Exit.setExitProcedure((status, message) -> {
            report("exit", status, message);
            Runtime.getRuntime().exit(status);
        });
        Exit.setHaltProcedure((status, message) -> {
            report("halt", status, message);
            // a halt skips the shutdown hooks, which stop the sim and redis-server this JVM started
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
            Runtime.getRuntime().halt(status);
        });
    }

    private static void report(String kind, int status, String message) {
        StringWriter text = new StringWriter();
        new Throwable("the in-JVM Kafka broker called Exit." + kind + "(" + status + ", " + message + ")")
                .printStackTrace(new PrintWriter(text));
        System.err.println(text);
        try {
            Files.writeString(
                    Path.of(System.getProperty("java.io.tmpdir"), "kafka-broker-exit.txt"),
                    Instant.now() + " " + text + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not write kafka-broker-exit.txt: " + e);
        }
    }

    public String bootstrapServers() {
        if (home != null) {
            return (String) JvmWide.call(home, "bootstrapServers");
        }
        return "127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        if (home != null) {
            return (Boolean) JvmWide.call(home, "isRunning");
        }
        return server != null;
    }

    public synchronized void start() {
        if (home != null) {
            JvmWide.call(home, "start");
            return;
        }
        if (server != null) {
            return;
        }
        server = JvmWide.withContextLoaderOf(KafkaBroker.class, () -> {
            KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            s.startup();
            return s;
        });
    }

    /** Stops the broker; clients see a dead address until {@link #start()}. */
    public synchronized void stop() {
        if (home != null) {
            JvmWide.call(home, "stop");
            return;
        }
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        JvmWide.withContextLoaderOf(KafkaBroker.class, () -> {
            s.shutdown();
            s.awaitShutdown();
            return null;
        });
        server = null;
    }

    public void restart() {
        stop();
        start();
    }

    private void format() {
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            props.store(w, "cxbridge testkit broker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }
}
