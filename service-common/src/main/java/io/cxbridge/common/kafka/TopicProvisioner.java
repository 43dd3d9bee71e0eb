package io.cxbridge.common.kafka;

import io.cxbridge.model.Topics.TopicSpec;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the topics a service uses, with the spec's retention, when it starts. A broker that is not
 * there yet does not stop the start: creation is retried in the background until it succeeds.
 */
@ApplicationScoped
public class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    private final KafkaAdmin admin;
    private final ServiceTopics topics;
    private final KafkaSettings settings;
    private volatile boolean done;
    private volatile boolean stopping;

    public TopicProvisioner(KafkaAdmin admin, ServiceTopics topics, KafkaSettings settings) {
        this.admin = admin;
        this.topics = topics;
        this.settings = settings;
    }

    void onStart(@Observes StartupEvent event) {
        if (!tryProvision()) {
            Thread retry = new Thread(this::retryUntilDone, "cxbridge-topic-provisioner");
            retry.setDaemon(true);
            retry.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    private void retryUntilDone() {
        while (!done && !stopping) {
            try {
                Thread.sleep(settings.provisionRetry().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            tryProvision();
        }
    }

    boolean tryProvision() {
        try {
            Set<String> existing = admin.admin().listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.topics().stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(this::newTopic)
                    .toList();
            if (!missing.isEmpty()) {
                admin.admin().createTopics(missing).values().forEach((name, future) -> {
                    try {
                        future.get(10, TimeUnit.SECONDS);
                        LOG.infof("created topic %s", name);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + name, e.getCause());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot create topic " + name, e);
                    }
                });
            }
            done = true;
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("topics not provisioned yet (%s); retrying every %s", e.getMessage(), settings.provisionRetry());
            return false;
        }
    }

    private NewTopic newTopic(TopicSpec spec) {
        Optional<Short> rf = settings.replicationFactor();
        return new NewTopic(spec.name(), Optional.of(settings.partitions()), rf)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        String.valueOf(spec.retentionMs()),
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        spec.cleanupPolicy()));
    }
}
