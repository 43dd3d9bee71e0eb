package io.cxbridge.fulfillment.action;

import io.cxbridge.genesys.retry.Backoff;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configured actions, checked at start-up: a URL template that puts a placeholder in the scheme or host, or an
 * origin the action's URL policy refuses, stops the service with a message naming the action.
 */
@Startup
@ApplicationScoped
public class ActionRegistry {

    /** One action ready to run: its settings and its own template, breaker, queue and backoff. */
    record Configured(
            String name,
            ActionsConfig.Action config,
            UrlTemplate url,
            ActionBreaker breaker,
            ActionLimiter limiter,
            Backoff backoff) {}

    private final Map<String, Configured> actions;

    @Inject
    public ActionRegistry(ActionsConfig config, Clock clock, ActionMetrics metrics) {
        this(config, clock, metrics, InetAddress::getAllByName);
    }

    ActionRegistry(ActionsConfig config, Clock clock, ActionMetrics metrics, ActionUrlPolicy.Resolver resolver) {
        Map<String, Configured> built = new TreeMap<>();
        config.actions().forEach((name, action) -> {
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalStateException(
                        "cxbridge.actions." + name + ": an action name is 1-64 letters, " + "digits, '_' or '-'");
            }
            UrlTemplate template = UrlTemplate.parse(name, action.url());
            new ActionUrlPolicy(action.urlPolicy(), resolver)
                    .check(template.origin())
                    .ifPresent(why -> {
                        throw new IllegalStateException(
                                "cxbridge.actions." + name + ": the URL policy refuses the url: " + why);
                    });
            if (action.attempts() < 1
                    || action.budget().toMillis() < 100
                    || action.attemptTimeout().toMillis() < 1) {
                throw new IllegalStateException("cxbridge.actions." + name + ": attempts must be at least 1, the "
                        + "budget at least 100 ms and the attempt timeout positive");
            }
            if (action.maxAnswerBytes() < 1) {
                throw new IllegalStateException("cxbridge.actions." + name
                        + ".max-answer-bytes must be at least 1, was " + action.maxAnswerBytes());
            }
            String method = action.method().toUpperCase(java.util.Locale.ROOT);
            if (!method.matches("GET|POST|PUT|PATCH|DELETE")) {
                throw new IllegalStateException(
                        "cxbridge.actions." + name + ": method must be GET, POST, PUT, PATCH " + "or DELETE");
            }
            ActionsConfig.Breaker b = action.breaker();
            Configured c = new Configured(
                    name,
                    action,
                    template,
                    new ActionBreaker(b.failures(), b.window(), b.halfOpenAfter(), clock),
                    new ActionLimiter(action.concurrency()),
                    action.retry().backoff());
            metrics.register(name, c.breaker());
            built.put(name, c);
        });
        this.actions = Map.copyOf(built);
    }

    Optional<Configured> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** The most calls any action may have in flight (sizes the shared connection pool). */
    int maxConcurrency() {
        return actions.values().stream()
                .mapToInt(c -> c.config().concurrency())
                .max()
                .orElse(1);
    }
}
