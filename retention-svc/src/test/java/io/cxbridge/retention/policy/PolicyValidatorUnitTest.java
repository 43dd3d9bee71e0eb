package io.cxbridge.retention.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.retention.config.RetentionConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The policy rules without Quarkus: every violation at once, named by field, and the defaults of a valid policy. */
class PolicyValidatorUnitTest {

    private static ValidatorFactory factory;
    private static PolicyValidator validator;

    @BeforeAll
    static void build() {
        factory = Validation.byDefaultProvider()
                .configure()
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory();
        RetentionConfig config = new SmallRyeConfigBuilder()
                .withMapping(RetentionConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "30d" as Quarkus reads it
                .build()
                .getConfigMapping(RetentionConfig.class);
        validator = new PolicyValidator(factory.getValidator(), config);
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    private static ObjectNode policy() {
        return (ObjectNode) tree("""
                {"name": "calls", "objectType": "call", "retentionPeriod": 90, "enabled": true,
                 "schedule": {"frequency": "WEEKLY", "dayOfWeek": "monday"}}""");
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fields(JsonNode body) {
        return validator.validate(body, "").violations().stream()
                .map(Violation::field)
                .toList();
    }

    @Test
    void aValidPolicyGetsItsDefaults() {
        ValidatedPolicy valid = validator.validate(policy(), "");
        assertThat(valid.violations()).isEmpty();
        JsonNode payload = valid.payload();
        assertThat(payload.at("/schedule/timezone").asText()).isEqualTo("UTC");
        assertThat(payload.at("/schedule/dayOfWeek").asText()).isEqualTo("MONDAY");
        assertThat(payload.at("/description").asText()).isEqualTo("Retain call data for 90 days (managed by cxbridge)");
        assertThat(payload.at("/tags/managedBy").asText()).isEqualTo("cxbridge");
        assertThat(payload.at("/tags/licenseTier").asText()).isEqualTo("STANDARD");
    }

    @Test
    void everyViolationIsListedAtOnceSortedByField() {
        ObjectNode p = policy();
        p.remove("name");
        p.put("objectType", "fax");
        p.put("retentionPeriod", 10);
        ((ObjectNode) p.get("schedule")).put("dayOfWeek", "someday").put("timezone", "Mars/Olympus");
        assertThat(fields(p))
                .containsExactly("name", "objectType", "retentionPeriod", "schedule.dayOfWeek", "schedule.timezone");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedByItsPathWithoutItsValue() {
        ObjectNode p = policy();
        ((ObjectNode) p.get("schedule")).putArray("dayOfWeek").add("+15551234567");
        assertThat(validator.validate(p, "policies.[0].").violations())
                .containsExactly(new Violation("policies.[0].schedule.dayOfWeek", "has the wrong type"));
    }

    @Test
    void theLicenceMinimumDependsOnTheTier() {
        ObjectNode p = policy().put("retentionPeriod", 7);
        assertThat(validator.validate(p, "").violations())
                .singleElement()
                .satisfies(v -> assertThat(v.message()).contains("at least 30 days on the STANDARD licence"));
        assertThat(fields(p.put("licenseTier", "enterprise"))).isEmpty();
        assertThat(fields(p.put("licenseTier", "gold"))).containsExactly("licenseTier");
    }

    @Test
    void aScheduleNeedsItsDayForItsFrequency() {
        ObjectNode p = policy();
        ((ObjectNode) p.get("schedule")).put("frequency", "MONTHLY");
        assertThat(fields(p)).containsExactly("schedule.dayOfMonth");
        ((ObjectNode) p.get("schedule")).put("dayOfMonth", 32);
        assertThat(fields(p)).containsExactly("schedule.dayOfMonth");
        ((ObjectNode) p.get("schedule")).put("frequency", "HOURLY");
        assertThat(fields(p)).containsExactly("schedule.frequency");
    }

    @Test
    void aMediaPolicyNeedsNoSchedule() {
        ObjectNode p = policy();
        p.remove("schedule");
        assertThat(fields(p)).containsExactly("schedule");
        assertThat(validator.validate(p, "", true).violations())
                .noneMatch(v -> v.field().equals("schedule"));
    }

    @Test
    void theWrongTypeOrNoObjectIsNamedWithThePrefix() {
        assertThat(validator
                        .validate(policy().put("retentionPeriod", "long"), "[2].")
                        .violations())
                .extracting(Violation::field)
                .containsExactly("[2].retentionPeriod");
        assertThat(validator.validate(tree("[]"), "[0].").violations())
                .extracting(Violation::field)
                .containsExactly("[0]");
    }

    @Test
    void aDailyVolumeThatIsNotAFiniteNumberOfGbUpToTheBoundIsOneViolationNamingIt() {
        for (double volume : new double[] {
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, 1_000_000.01, Double.MAX_VALUE
        }) {
            assertThat(validator
                            .validate(policy().put("dailyVolumeGB", volume), "[1].")
                            .violations())
                    .as("dailyVolumeGB %s", volume)
                    .extracting(Violation::field)
                    .containsExactly("[1].dailyVolumeGB");
        }
        // As Jackson reads them: a literal beyond double is Infinity, and the strings "NaN" and "Infinity" coerce.
        for (String volume : new String[] {"1e400", "-1e400", "\"NaN\"", "\"Infinity\"", "\"-Infinity\""}) {
            ObjectNode p = policy();
            p.set("dailyVolumeGB", tree("{\"v\": " + volume + "}").get("v"));
            assertThat(fields(p)).as("dailyVolumeGB %s", volume).containsExactly("dailyVolumeGB");
        }
        assertThat(fields(policy().put("dailyVolumeGB", 0))).isEmpty();
        assertThat(fields(policy().put("dailyVolumeGB", 1_000_000))).isEmpty();
    }

    @Test
    void aWholeNumberOutOfRangeOrAFractionIsNamedByItsField() {
        // 30.7 days was cut to 30 (Jackson's ACCEPT_FLOAT_AS_INT): a shorter retention than asked for.
        for (String days : new String[] {"1e400", "1e10", "2147483648", "-2147483649", "30.7"}) {
            ObjectNode p = policy();
            p.set("retentionPeriod", tree("{\"v\": " + days + "}").get("v"));
            assertThat(validator.validate(p, "[0].").violations())
                    .as("retentionPeriod %s", days)
                    .extracting(Violation::field)
                    .containsExactly("[0].retentionPeriod");
        }
        ObjectNode p = policy().put("retentionPeriod", 90);
        ((ObjectNode) p.get("schedule")).put("frequency", "MONTHLY");
        ((ObjectNode) p.get("schedule"))
                .set("dayOfMonth", tree("{\"v\": 1e400}").get("v"));
        assertThat(fields(p)).containsExactly("schedule.dayOfMonth");
    }
}
