package io.cxbridge.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.Channels;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kafka client settings: producer ones set once at connector level reach every outgoing channel. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class KafkaClientSettingsTest {

    @Inject
    KafkaClientService kafka;

    @Test
    void everyOutgoingChannelSendsWithAcksAllAndIdempotence() {
        assertThat(kafka.getProducerChannels())
                .contains(Channels.FAILED_RUNS_OUT, Channels.FAILED_RUNS_DLQ_OUT, Channels.RETRY_STATE_OUT);
        for (String channel : kafka.getProducerChannels()) {
            Map<String, ?> c = kafka.getProducer(channel).configuration();
            assertThat(String.valueOf(c.get("acks"))).as(channel).isEqualTo("all");
            assertThat(String.valueOf(c.get("enable.idempotence"))).as(channel).isEqualTo("true");
            assertThat(String.valueOf(c.get("delivery.timeout.ms"))).as(channel).isEqualTo("30000");
            assertThat(String.valueOf(c.get("request.timeout.ms"))).as(channel).isEqualTo("10000");
        }
    }

    @Test
    void theJournalIsWrittenWithoutLinger() {
        // Every intake waits for its journal write: the Kafka 4 default (5 ms) held intake to ~50 runs/s.
        assertThat(String.valueOf(kafka.getProducer(Channels.RETRY_STATE_OUT)
                        .configuration()
                        .get("linger.ms")))
                .isEqualTo("0");
    }

    @Test
    void theFailedRunsConsumerFetchesAtMostAQuarterMebibytePerPartition() {
        // The last fetch response stays in the heap: at Kafka's 1 MiB it was most of the heap growth measured with
        // 100,000 pending runs (docs/benchmarks.md, session 15).
        assertThat(String.valueOf(kafka.getConsumer(Channels.FAILED_RUNS_IN)
                        .configuration()
                        .get("max.partition.fetch.bytes")))
                .isEqualTo("262144");
    }
}
