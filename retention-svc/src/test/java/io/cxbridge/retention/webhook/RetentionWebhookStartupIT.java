package io.cxbridge.retention.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.testkit.RefusedStart;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged service refuses to start with a webhook URL and no secret, naming the property. */
class RetentionWebhookStartupIT {

    @Test
    void aWebhookUrlWithoutASecretStopsStartUpNamingTheProperty() throws Exception {
        Map<String, String> p = new HashMap<>(RefusedStart.minimalConfig());
        p.put("cxbridge.retention.webhook.url", "https://hooks.example/retention");
        RefusedStart.Result r = RefusedStart.run("retention-svc", p, Duration.ofSeconds(90));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output())
                .contains("cxbridge.retention.webhook.url is set but cxbridge.retention.webhook.secret is not");
    }
}
