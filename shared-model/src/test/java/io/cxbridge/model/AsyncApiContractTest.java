package io.cxbridge.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cxbridge.model.Topics.TopicSpec;
import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.DirectoryInvalidation;
import io.cxbridge.model.event.DirectoryUpdated;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.model.problem.Violation;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps {@code docs/asyncapi.yaml} and the contract as code in step: topics, retention, keys, audit
 * types and headers, and that every example in the document is a record the services would accept.
 */
class AsyncApiContractTest {

    /** The record each non-audit topic carries (DLQ topics carry the original payload unchanged). */
    static final Map<String, Class<? extends Record>> PAYLOADS = Map.of(
            Topics.FAILED_RUNS, FailedRun.class,
            Topics.FAILED_RUNS_DLQ, FailedRun.class,
            Topics.RETRY_STATE, io.cxbridge.model.retry.RunRecord.class,
            Topics.FULFILLMENT_JOBS, FulfillmentJob.class,
            Topics.FULFILLMENT_JOBS_DLQ, FulfillmentJob.class,
            Topics.RETENTION_REQUESTS, RetentionRequest.class,
            Topics.RETENTION_REQUESTS_DLQ, RetentionRequest.class,
            Topics.RETENTION_STATE, io.cxbridge.model.event.RetentionStateRecord.class,
            Topics.DIRECTORY_INVALIDATIONS, DirectoryInvalidation.class,
            Topics.DIRECTORY_UPDATES, DirectoryUpdated.class);

    /** The payload field each topic is keyed by (SPEC "Kafka topics"); audit is keyed by ce_subject. */
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry(Topics.AUDIT, "ce_subject"),
            Map.entry(Topics.FAILED_RUNS, "actionId"),
            Map.entry(Topics.FAILED_RUNS_DLQ, "actionId"),
            Map.entry(Topics.RETRY_STATE, "requestId"),
            Map.entry(Topics.FULFILLMENT_JOBS, "fulfillmentId"),
            Map.entry(Topics.FULFILLMENT_JOBS_DLQ, "fulfillmentId"),
            Map.entry(Topics.RETENTION_REQUESTS, "requestId"),
            Map.entry(Topics.RETENTION_REQUESTS_DLQ, "requestId"),
            Map.entry(Topics.RETENTION_STATE, "requestId"),
            Map.entry(Topics.DIRECTORY_INVALIDATIONS, "directoryId"),
            Map.entry(Topics.DIRECTORY_UPDATES, "directoryId"));

    static final Set<String> DLQ_TOPICS =
            Set.of(Topics.FAILED_RUNS_DLQ, Topics.FULFILLMENT_JOBS_DLQ, Topics.RETENTION_REQUESTS_DLQ);
    static final List<String> DLQ_HEADERS =
            List.of(Headers.ERROR_CLASS, Headers.ERROR_REASON, Headers.ATTEMPTS, Headers.FIRST_SEEN);
    static final List<String> AUDIT_HEADERS = List.of(
            AuditEvent.H_ID,
            AuditEvent.H_SOURCE,
            AuditEvent.H_TYPE,
            AuditEvent.H_SPECVERSION,
            AuditEvent.H_TIME,
            AuditEvent.H_SUBJECT,
            AuditEvent.H_TRACEID,
            AuditEvent.H_CONTENT_TYPE);

    static Map<String, Object> doc;
    /** channel id -> channel object. */
    static Map<String, Map<String, Object>> channels;
    /** topic address -> channel id. */
    static Map<String, String> channelIdByAddress;

    @BeforeAll
    static void load() throws IOException {
        Path file = asyncApiFile();
        try (InputStream in = Files.newInputStream(file)) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            assertThat(loaded).as("%s is a YAML mapping", file).isInstanceOf(Map.class);
            doc = map(loaded, "document");
        }
        channels = new LinkedHashMap<>();
        channelIdByAddress = new LinkedHashMap<>();
        map(doc.get("channels"), "channels").forEach((id, ch) -> {
            Map<String, Object> channel = map(ch, "channel " + id);
            channels.put(id, channel);
            String address = (String) channel.get("address");
            assertThat(address).as("address of channel %s", id).isNotBlank();
            assertThat(channelIdByAddress.put(address, id))
                    .as("topic %s described twice", address)
                    .isNull();
        });
    }

    /** {@code ../docs/asyncapi.yaml} from the module (surefire's working directory), found upwards otherwise. */
    static Path asyncApiFile() {
        List<Path> starts = new ArrayList<>();
        if (System.getProperty("basedir") != null) {
            starts.add(Path.of(System.getProperty("basedir")));
        }
        starts.add(Path.of(System.getProperty("user.dir")));
        for (Path start : starts) {
            Path module = start.toAbsolutePath().normalize();
            Path candidate = module.resolve("../docs/asyncapi.yaml").normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            for (Path p = module; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("docs/asyncapi.yaml"))) {
                    return p.resolve("docs/asyncapi.yaml");
                }
            }
        }
        return fail("docs/asyncapi.yaml not found from %s", starts);
    }

    // --- the document ------------------------------------------------------------------------------

    @Test
    void isAnAsyncApi3DocumentForKafka() {
        assertThat(String.valueOf(doc.get("asyncapi"))).startsWith("3.");
        assertThat(map(doc.get("info"), "info")).containsKeys("title", "version");
        assertThat(map(doc.get("servers"), "servers").values())
                .allSatisfy(s -> assertThat(map(s, "server").get("protocol")).isIn("kafka", "kafka-secure"));
        assertThat(String.valueOf(doc.get("defaultContentType"))).isEqualTo("application/json");
    }

    @Test
    void noTimestampWasParsedAsAYamlDate() {
        List<String> dates = new ArrayList<>();
        walk(doc, "", (path, value) -> {
            if (value instanceof Date) {
                dates.add(path);
            }
        });
        assertThat(dates)
                .as("quote ISO-8601 instants in the YAML, or they become dates")
                .isEmpty();
    }

    // --- topics ------------------------------------------------------------------------------------

    @Test
    void everyTopicOfTheContractIsAChannel() {
        assertThat(channelIdByAddress.keySet())
                .containsAll(Topics.ALL.stream().map(TopicSpec::name).toList());
    }

    @Test
    void noChannelNamesAnUnknownTopic() {
        Set<String> known = Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toSet());
        assertThat(channelIdByAddress.keySet())
                .allSatisfy(address -> assertThat(known)
                        .as("channel address %s is not in Topics.ALL", address)
                        .contains(address));
        assertThat(channelIdByAddress).hasSize(Topics.ALL.size());
    }

    @Test
    void testMappingsCoverEveryTopic() {
        Set<String> names = Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toSet());
        Set<String> mapped = new HashSet<>(PAYLOADS.keySet());
        mapped.add(Topics.AUDIT);
        assertThat(mapped).isEqualTo(names);
        assertThat(KEYS.keySet()).isEqualTo(names);
    }

    @Test
    void kafkaBindingsCarryTheTopicRetentionAndPartitions() {
        for (TopicSpec spec : Topics.ALL) {
            Map<String, Object> kafka = kafkaBinding(channel(spec.name()), "channel " + spec.name());
            assertThat(kafka.get("topic"))
                    .as("bindings.kafka.topic of %s", spec.name())
                    .isEqualTo(spec.name());
            assertThat(kafka.get("partitions"))
                    .as("partitions of %s", spec.name())
                    .isInstanceOf(Integer.class);
            assertThat((Integer) kafka.get("partitions")).isPositive();
            Map<String, Object> config = map(kafka.get("topicConfiguration"), "topicConfiguration of " + spec.name());
            Object retention = config.get("retention.ms");
            assertThat(retention).as("retention.ms of %s", spec.name()).isInstanceOf(Number.class);
            assertThat(((Number) retention).longValue())
                    .as("retention.ms of %s", spec.name())
                    .isEqualTo(spec.retentionMs());
        }
    }

    @Test
    void channelDescriptionsAndMessageBindingsNameTheKey() {
        for (TopicSpec spec : Topics.ALL) {
            Map<String, Object> channel = channel(spec.name());
            String description = String.valueOf(channel.get("description"));
            assertThat(description)
                    .as("description of %s", spec.name())
                    .contains("Key:")
                    .contains("`" + KEYS.get(spec.name()) + "`");
            for (Map<String, Object> message : messages(channel)) {
                Map<String, Object> key = keySchema(message, spec.name());
                assertThat(key.get("type")).as("key type of %s", spec.name()).isEqualTo("string");
            }
        }
    }

    // --- payload schemas ---------------------------------------------------------------------------

    @Test
    void payloadSchemasDeclareExactlyTheRecordFields() {
        PAYLOADS.forEach((topic, type) -> {
            for (Map<String, Object> message : messages(channel(topic))) {
                Map<String, Object> schema = map(resolve(message.get("payload")), "payload of " + topic);
                Set<String> properties =
                        map(schema.get("properties"), "properties of " + topic).keySet();
                Set<String> components = Arrays.stream(type.getRecordComponents())
                        .map(RecordComponent::getName)
                        .collect(Collectors.toSet());
                assertThat(properties)
                        .as("schema properties of %s vs %s", topic, type.getSimpleName())
                        .isEqualTo(components);
            }
        });
    }

    @Test
    void payloadSchemasRequireWhatBeanValidationRequires() {
        PAYLOADS.forEach((topic, type) -> {
            BeanDescriptor bean = ValidationSupport.validator().getConstraintsForClass(type);
            for (Map<String, Object> message : messages(channel(topic))) {
                Map<String, Object> schema = map(resolve(message.get("payload")), "payload of " + topic);
                Set<String> required = new HashSet<>(strings(schema.get("required")));
                for (RecordComponent c : type.getRecordComponents()) {
                    PropertyDescriptor p = bean.getConstraintsForProperty(c.getName());
                    boolean notNull = p != null
                            && p.getConstraintDescriptors().stream()
                                    .map(d -> d.getAnnotation().annotationType().getSimpleName())
                                    .anyMatch(n -> n.equals("NotNull") || n.equals("NotBlank"));
                    if (notNull) {
                        assertThat(required)
                                .as("%s.%s must be required in the schema", type.getSimpleName(), c.getName())
                                .contains(c.getName());
                    } else if (required.contains(c.getName())) {
                        assertThat(c.getType().isPrimitive())
                                .as(
                                        "%s.%s is required in the schema but optional in the record",
                                        type.getSimpleName(), c.getName())
                                .isTrue();
                    }
                }
            }
        });
    }

    @Test
    void dlqMessagesCarryTheOriginalPayloadAndTheDeadLetterHeaders() {
        for (String dlq : DLQ_TOPICS) {
            String source = dlq.replace(".dlq.", ".");
            Object sourcePayload = resolve(messages(channel(source)).get(0).get("payload"));
            for (Map<String, Object> message : messages(channel(dlq))) {
                assertThat(resolve(message.get("payload")))
                        .as("payload schema of %s is the source topic's", dlq)
                        .isEqualTo(sourcePayload);
                Map<String, Object> headers = map(resolve(message.get("headers")), "headers of " + dlq);
                assertThat(map(headers.get("properties"), "header properties").keySet())
                        .containsAll(DLQ_HEADERS);
                assertThat(strings(headers.get("required"))).containsAll(DLQ_HEADERS);
            }
        }
    }

    // --- audit -------------------------------------------------------------------------------------

    @Test
    void auditHeadersAreTheCloudEventsBinaryModeAttributes() {
        for (Map<String, Object> message : messages(channel(Topics.AUDIT))) {
            Map<String, Object> headers = map(resolve(message.get("headers")), "audit headers");
            Map<String, Object> properties = map(headers.get("properties"), "audit header properties");
            assertThat(properties.keySet()).containsAll(AUDIT_HEADERS);
            assertThat(strings(headers.get("required"))).containsAll(AUDIT_HEADERS);
            assertThat(map(properties.get(AuditEvent.H_SPECVERSION), "ce_specversion")
                            .get("const"))
                    .isEqualTo(AuditEvent.SPEC_VERSION);
            assertThat(map(properties.get(AuditEvent.H_CONTENT_TYPE), "content-type")
                            .get("const"))
                    .isEqualTo(AuditEvent.CONTENT_TYPE);
        }
    }

    @Test
    void everyAuditTypeIsInTheCeTypeEnum() {
        for (Map<String, Object> message : messages(channel(Topics.AUDIT))) {
            Map<String, Object> headers = map(resolve(message.get("headers")), "audit headers");
            Map<String, Object> ceType =
                    map(map(headers.get("properties"), "properties").get(AuditEvent.H_TYPE), "ce_type");
            List<String> values = strings(ceType.get("enum"));
            assertThat(values).containsAll(AuditTypes.ALL);
            assertThat(values)
                    .as("ce_type enum names a type AuditTypes does not know")
                    .containsExactlyInAnyOrderElementsOf(AuditTypes.ALL);
        }
    }

    @Test
    void auditDataRequiresTheTraceId() {
        for (Map<String, Object> message : messages(channel(Topics.AUDIT))) {
            Map<String, Object> data = map(resolve(message.get("payload")), "audit data");
            assertThat(data.get("type")).isEqualTo("object");
            assertThat(strings(data.get("required"))).contains("traceId");
        }
    }

    @Test
    void auditExamplesAreCloudEventsThatFromKafkaReads() throws IOException {
        Set<String> typesSeen = new HashSet<>();
        for (Map<String, Object> message : messages(channel(Topics.AUDIT))) {
            List<Map<String, Object>> examples = examples(message, Topics.AUDIT);
            for (Map<String, Object> example : examples) {
                String name = String.valueOf(example.get("name"));
                Map<String, Object> headers = map(example.get("headers"), "headers of audit example " + name);
                assertThat(headers.keySet())
                        .as("headers of audit example %s", name)
                        .containsExactlyInAnyOrderElementsOf(AUDIT_HEADERS);
                Map<String, byte[]> kafkaHeaders = new LinkedHashMap<>();
                headers.forEach((k, v) -> {
                    assertThat(v)
                            .as("header %s of audit example %s is a string", k, name)
                            .isInstanceOf(String.class);
                    kafkaHeaders.put(k, ((String) v).getBytes(UTF_8));
                });
                byte[] value = json(example.get("payload"));

                AuditEvent event = AuditEvent.fromKafka(kafkaHeaders, value);

                assertThat(AuditTypes.ALL).as("type of audit example %s", name).contains(event.type());
                assertThat(event.source())
                        .as("source of audit example %s", name)
                        .matches("/cxbridge/[a-z0-9-]+");
                assertThat(UUID.fromString(event.id()).toString())
                        .isEqualTo(event.id().toLowerCase());
                assertThat(event.traceId())
                        .as("data.traceId of audit example %s", name)
                        .isNotBlank();
                assertThat(headers.get(AuditEvent.H_TRACEID))
                        .as("ce_traceid of audit example %s", name)
                        .isEqualTo(event.traceId());
                assertThat(headers.get(AuditEvent.H_CONTENT_TYPE)).isEqualTo(AuditEvent.CONTENT_TYPE);
                // what the services would write for the same event is what the example shows
                Map<String, String> rewritten = event.kafkaHeaders();
                headers.forEach((k, v) -> assertThat(rewritten).containsEntry(k, (String) v));
                assertThat(event.data()).isEqualTo(Json.mapper().readTree(value));
                typesSeen.add(event.type());
            }
        }
        assertThat(typesSeen).as("audit examples show several event families").hasSizeGreaterThanOrEqualTo(3);
    }

    // --- examples of the other topics --------------------------------------------------------------

    @Test
    void everyPayloadExampleIsAValidRecord() {
        PAYLOADS.forEach((topic, type) -> {
            for (Map<String, Object> message : messages(channel(topic))) {
                for (Map<String, Object> example : examples(message, topic)) {
                    String where = topic + " example " + example.get("name");
                    assertThat(example.get("payload"))
                            .as("payload of %s", where)
                            .isInstanceOf(Map.class);
                    Record record = read(json(example.get("payload")), type, where);
                    List<Violation> violations = ValidationSupport.violations(record);
                    assertThat(violations).as("Bean Validation of %s", where).isEmpty();

                    // the record written back carries the same values as the example
                    assertThat(Json.mapper().valueToTree(record).get(KEYS.get(topic)))
                            .as("key field %s of %s", KEYS.get(topic), where)
                            .isEqualTo(Json.mapper()
                                    .valueToTree(example.get("payload"))
                                    .get(KEYS.get(topic)));

                    Object key = ((Map<?, ?>) example.get("payload")).get(KEYS.get(topic));
                    assertThat(key)
                            .as("%s carries its key field %s", where, KEYS.get(topic))
                            .isInstanceOf(String.class);
                    assertMatchesStringSchema((String) key, keySchema(message, topic), "key of " + where);
                }
            }
        });
    }

    @Test
    void everyMessageHasAnExampleWithAPayload() {
        for (TopicSpec spec : Topics.ALL) {
            for (Map<String, Object> message : messages(channel(spec.name()))) {
                assertThat(examples(message, spec.name()))
                        .as("examples of %s", spec.name())
                        .isNotEmpty()
                        .allSatisfy(e -> assertThat(e.get("payload")).isNotNull());
            }
        }
    }

    @Test
    void dlqExamplesCarryTheDeadLetterHeaders() {
        for (String dlq : DLQ_TOPICS) {
            for (Map<String, Object> message : messages(channel(dlq))) {
                for (Map<String, Object> example : examples(message, dlq)) {
                    String where = dlq + " example " + example.get("name");
                    Map<String, Object> headers = map(example.get("headers"), "headers of " + where);
                    assertThat(headers.keySet()).as("headers of %s", where).containsAll(DLQ_HEADERS);
                    assertThat(headers.values())
                            .as("header values of %s", where)
                            .allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
                    assertThat((String) headers.get(Headers.ATTEMPTS)).matches("[0-9]+");
                    assertThat(Instant.parse((String) headers.get(Headers.FIRST_SEEN)))
                            .isNotNull();
                    assertThat((String) headers.get(Headers.ERROR_REASON)).isNotBlank();
                    assertThat(headers.values().toString())
                            .as("no token in the headers of %s", where)
                            .doesNotContain("v1:key-");
                }
            }
        }
    }

    @Test
    void fulfillmentTokensAppearOnlyEncryptedAndOnlyInFulfillmentJobs() {
        Set<String> jobTopics = Set.of(Topics.FULFILLMENT_JOBS, Topics.FULFILLMENT_JOBS_DLQ);
        for (TopicSpec spec : Topics.ALL) {
            for (Map<String, Object> message : messages(channel(spec.name()))) {
                for (Map<String, Object> example : examples(message, spec.name())) {
                    String where = spec.name() + " example " + example.get("name");
                    List<String> tokens = new ArrayList<>();
                    walk(example, "", (path, value) -> {
                        if (path.toLowerCase().endsWith("token") && value instanceof String s) {
                            tokens.add(path + "=" + s);
                        }
                    });
                    if (!jobTopics.contains(spec.name())) {
                        assertThat(tokens).as("tokens in %s", where).isEmpty();
                        continue;
                    }
                    assertThat(tokens).as("tokens in %s", where).singleElement().satisfies(t -> {
                        assertThat(t).startsWith("/payload/fulfillmentToken=");
                        assertThat(t.substring(t.indexOf('=') + 1))
                                .as("ciphertext envelope <version>:<key id>:<base64>")
                                .matches("v\\d+:[A-Za-z0-9._-]+:[A-Za-z0-9+/]{16,}={0,2}");
                    });
                }
            }
        }
        Map<String, Object> jobSchema =
                map(resolve(messages(channel(Topics.FULFILLMENT_JOBS)).get(0).get("payload")), "FulfillmentJob schema");
        String tokenDescription = String.valueOf(
                map(map(jobSchema.get("properties"), "properties").get("fulfillmentToken"), "token")
                        .get("description"));
        assertThat(tokenDescription).contains("AES-GCM").contains("never the clear token");
    }

    // --- operations --------------------------------------------------------------------------------

    @Test
    void everyTopicHasItsProducersAndConsumersAsOperations() {
        Map<String, Set<String>> actions = new LinkedHashMap<>();
        map(doc.get("operations"), "operations").forEach((id, op) -> {
            Map<String, Object> operation = map(op, "operation " + id);
            assertThat(operation.get("action")).as("action of %s", id).isIn("send", "receive");
            Map<String, Object> channel = map(resolve(operation.get("channel")), "channel of " + id);
            String address = (String) channel.get("address");
            assertThat(channelIdByAddress)
                    .as("operation %s names a described channel", id)
                    .containsKey(address);
            List<Map<String, Object>> channelMessages = messages(channel);
            for (Object m : list(operation.get("messages"), "messages of " + id)) {
                String ref = (String) map(m, "message ref").get("$ref");
                assertThat(ref)
                        .as("operation %s refers to a message of its channel", id)
                        .startsWith("#/channels/" + channelIdByAddress.get(address) + "/messages/");
                assertThat(channelMessages).contains(map(resolve(m), "message of " + id));
            }
            actions.computeIfAbsent(address, a -> new HashSet<>()).add((String) operation.get("action"));
        });
        for (TopicSpec spec : Topics.ALL) {
            assertThat(actions.get(spec.name()))
                    .as("operations of %s", spec.name())
                    .containsExactlyInAnyOrder("send", "receive");
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    static Map<String, Object> channel(String address) {
        String id = channelIdByAddress.get(address);
        assertThat(id).as("channel for topic %s", address).isNotNull();
        return channels.get(id);
    }

    static List<Map<String, Object>> messages(Map<String, Object> channel) {
        Map<String, Object> messages = map(channel.get("messages"), "messages of " + channel.get("address"));
        assertThat(messages).as("messages of %s", channel.get("address")).isNotEmpty();
        return messages.values().stream().map(m -> map(resolve(m), "message")).toList();
    }

    static List<Map<String, Object>> examples(Map<String, Object> message, String topic) {
        List<Object> examples = list(message.get("examples"), "examples of " + message.get("name") + " on " + topic);
        assertThat(examples)
                .as("examples of %s on %s", message.get("name"), topic)
                .isNotEmpty();
        return examples.stream().map(e -> map(e, "example")).toList();
    }

    static Map<String, Object> kafkaBinding(Map<String, Object> holder, String what) {
        return map(map(holder.get("bindings"), "bindings of " + what).get("kafka"), "bindings.kafka of " + what);
    }

    static Map<String, Object> keySchema(Map<String, Object> message, String topic) {
        return map(resolve(kafkaBinding(message, "message on " + topic).get("key")), "key schema on " + topic);
    }

    static void assertMatchesStringSchema(String value, Map<String, Object> schema, String what) {
        if (schema.get("pattern") instanceof String pattern) {
            assertThat(value).as("%s matches %s", what, pattern).matches(pattern);
        }
        if (schema.get("maxLength") instanceof Integer max) {
            assertThat(value.length()).as("length of %s", what).isLessThanOrEqualTo(max);
        }
        if (schema.get("minLength") instanceof Integer min) {
            assertThat(value.length()).as("length of %s", what).isGreaterThanOrEqualTo(min);
        }
        if ("uuid".equals(schema.get("format"))) {
            assertThat(UUID.fromString(value).toString())
                    .as("%s is a UUID", what)
                    .isEqualToIgnoringCase(value);
        }
    }

    /** Follows local {@code $ref}s ({@code #/a/b}) until a non-reference is reached. */
    static Object resolve(Object node) {
        Object current = node;
        for (int hops = 0; current instanceof Map<?, ?> m && m.get("$ref") instanceof String ref; hops++) {
            assertThat(hops).as("$ref loop at %s", ref).isLessThan(20);
            assertThat(ref).as("only local references").startsWith("#/");
            Object target = doc;
            for (String part : ref.substring(2).split("/")) {
                String key = part.replace("~1", "/").replace("~0", "~");
                assertThat(target).as("%s resolves", ref).isInstanceOf(Map.class);
                target = ((Map<?, ?>) target).get(key);
                assertThat(target).as("%s resolves (at %s)", ref, key).isNotNull();
            }
            current = target;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        assertThat(value).as("%s is a mapping", what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) {
        assertThat(value).as("%s is a list", what).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    static List<String> strings(Object value) {
        return list(value, "list of strings").stream().map(String::valueOf).toList();
    }

    static byte[] json(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + value, e);
        }
    }

    static Record read(byte[] json, Class<? extends Record> type, String where) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new AssertionError(
                    where + " does not deserialise as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    interface Visitor {
        void visit(String path, Object value);
    }

    static void walk(Object node, String path, Visitor visitor) {
        visitor.visit(path, node);
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "/" + k, visitor));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "/" + i, visitor);
            }
        }
    }
}
