package io.cxbridge.fulfillment;

import io.cxbridge.fulfillment.worker.HostResolver;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fulfillment URL policy's resolver in every Quarkus test of the module (it replaces the default bean): the
 * system resolver, except for a host a test scripted to fail a number of lookups (as a resolver timeout or SERVFAIL
 * does) and then answer chosen addresses.
 */
@ApplicationScoped
public class ScriptedHostResolver implements HostResolver {

    private static final Map<String, AtomicInteger> FAILURES_LEFT = new ConcurrentHashMap<>();
    private static final Map<String, InetAddress[]> ANSWERS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOOKUPS = new ConcurrentHashMap<>();

    /** The next {@code failures} lookups of {@code host} fail, then it resolves to {@code answer}. */
    static void script(String host, int failures, InetAddress... answer) {
        LOOKUPS.put(host, new AtomicInteger());
        ANSWERS.put(host, answer);
        FAILURES_LEFT.put(host, new AtomicInteger(failures));
    }

    static void forget(String host) {
        FAILURES_LEFT.remove(host);
        ANSWERS.remove(host);
    }

    static int lookups(String host) {
        AtomicInteger n = LOOKUPS.get(host);
        return n == null ? 0 : n.get();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        LOOKUPS.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        AtomicInteger left = FAILURES_LEFT.get(host);
        if (left != null && left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new UnknownHostException(host + ": scripted lookup failure");
        }
        InetAddress[] answer = ANSWERS.get(host);
        return answer != null ? answer : InetAddress.getAllByName(host);
    }
}
