package io.cxbridge.sim.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** The sim's current configuration: read by every request, changed atomically by the control API. */
@ApplicationScoped
public class RuntimeConfig {

    private static final Logger LOG = Logger.getLogger(RuntimeConfig.class);

    private final SimSettings settings;
    private final SimConfig defaults;
    private final AtomicReference<SimConfig> current;
    private final List<BiConsumer<SimConfig, SimConfig>> listeners = new CopyOnWriteArrayList<>();

    public RuntimeConfig(SimSettings settings) {
        this.settings = settings;
        this.defaults = SimConfig.of(settings);
        List<Violation> violations = ConfigPatch.check(defaults);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("invalid genesys-sim configuration: "
                    + violations.stream()
                            .map(v -> v.field() + " " + v.message())
                            .collect(Collectors.joining("; ")));
        }
        this.current = new AtomicReference<>(defaults);
    }

    public SimConfig get() {
        return current.get();
    }

    public SimSettings settings() {
        return settings;
    }

    /** Called with (old, new) after every change, including a reset. */
    public void onChange(BiConsumer<SimConfig, SimConfig> listener) {
        listeners.add(listener);
    }

    /** Applies a {@code POST /sim/config} body; on violations nothing changes. */
    public ConfigPatch.Result patch(JsonNode body) {
        while (true) {
            SimConfig before = current.get();
            ConfigPatch.Result result = ConfigPatch.apply(before, body);
            if (!result.ok()) {
                return result;
            }
            if (current.compareAndSet(before, result.config())) {
                if (!before.equals(result.config())) {
                    LOG.infof("configuration changed: %s", result.config());
                }
                listeners.forEach(l -> l.accept(before, result.config()));
                return result;
            }
        }
    }

    public void reset() {
        SimConfig before = current.getAndSet(defaults);
        listeners.forEach(l -> l.accept(before, defaults));
    }
}
