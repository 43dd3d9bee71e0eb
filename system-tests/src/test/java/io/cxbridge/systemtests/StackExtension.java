package io.cxbridge.systemtests;

import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One stack for every IT class of the run: started by the first class that needs it, kept in the root store,
 * closed ({@code ./stack down}) when the whole run ends, whatever failed.
 */
public final class StackExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StackExtension.class);

    /** What the root store holds: the stack and a tail of its audit topic. */
    static final class Running implements AutoCloseable {
        final LocalStack stack;
        final AuditTail audit;
        final Flows flows;

        Running(LocalStack stack) {
            this.stack = stack;
            AuditTail tail;
            try {
                tail = AuditTail.start(stack.endpoints().kafkaBootstrap(), Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                stack.close();
                throw e;
            }
            this.audit = tail;
            this.flows = new Flows(stack.endpoints(), tail);
        }

        @Override
        public void close() {
            try {
                audit.close();
            } finally {
                stack.close();
            }
        }
    }

    private static volatile Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent("stack", k -> new Running(LocalStack.start()), Running.class);
    }

    static LocalStack stack() {
        return current().stack;
    }

    static AuditTail audit() {
        return current().audit;
    }

    static Flows flows() {
        return current().flows;
    }

    private static Running current() {
        if (running == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(StackExtension.class)");
        }
        return running;
    }
}
