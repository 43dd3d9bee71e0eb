package io.cxbridge.directory.updates;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.testkit.RefusedStart;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged service refuses to start with a webhook URL and no secret, naming the property. */
class DirectoryWebhookStartupIT {

    @Test
    void aWebhookUrlWithoutASecretStopsStartUpNamingTheProperty() throws Exception {
        Map<String, String> p = new HashMap<>(RefusedStart.minimalConfig());
        p.put("cxbridge.directory.webhook.url", "https://hooks.example/directory");
        RefusedStart.Result r = RefusedStart.run("directory-svc", p, Duration.ofSeconds(90));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output())
                .contains("cxbridge.directory.webhook.url is set but cxbridge.directory.webhook.secret is not");
    }
}
