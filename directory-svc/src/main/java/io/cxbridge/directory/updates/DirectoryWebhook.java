package io.cxbridge.directory.updates;

import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.genesys.webhook.WebhookSender;
import io.cxbridge.genesys.webhook.WebhookTarget;
import io.cxbridge.model.event.DirectoryUpdated;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import java.util.Optional;

/**
 * The optional webhook ({@code cxbridge.directory.webhook.url}): the {@link DirectoryUpdated} event, through
 * genesys-client's {@link WebhookSender}, in the background: it never blocks or fails a load.
 */
// Created first at start-up: a URL without a secret stops start-up (the constructor throws, naming the property).
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@ApplicationScoped
public class DirectoryWebhook {

    private final WebhookSender sender;
    private final Optional<WebhookTarget> target;

    public DirectoryWebhook(DirectoryConfig config, WebhookSender sender) {
        this.sender = sender;
        this.target = WebhookTarget.of(
                "directory",
                "cxbridge.directory.webhook.url",
                config.webhook().url(),
                "cxbridge.directory.webhook.secret",
                config.webhook().secret(),
                config.webhook().timeout());
    }

    public void notify(DirectoryUpdated event) {
        target.ifPresent(t -> sender.send(t, event));
    }
}
