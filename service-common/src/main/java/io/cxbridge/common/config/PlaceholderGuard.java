package io.cxbridge.common.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Stops start-up, before any work is taken, when a setting still holds a template placeholder. */
@ApplicationScoped
public class PlaceholderGuard {

    void refusePlaceholders(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : config.getPropertyNames()) {
            try {
                config.getOptionalValue(name, String.class).ifPresent(v -> values.put(name, v));
            } catch (IllegalArgumentException | NoSuchElementException e) {
                // an expression that does not resolve is not a placeholder; Quarkus reports it where it is used
            }
        }
        List<String> found = Placeholders.find(values);
        if (!found.isEmpty()) {
            throw new IllegalStateException(Placeholders.refusal(found));
        }
    }
}
