package io.cxbridge.genesys.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.TestConfig;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.model.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the one streaming pass and the cheap looks before each pattern could get wrong: the streamed JSON must be
 * what redacting the whole tree gives, and a look may skip a pattern only where the pattern could not match.
 */
class StreamingRedactionTest {

    private final Redactor redactor = redactor();

    private static Redactor redactor() {
        GenesysConfig.Redaction r = TestConfig.genesys(Map.of()).redaction();
        return new Redactor(r.fields(), r.safeQueryParameters());
    }

    /** The tree way (parse it all, redact a deep copy, write it): the streamed answer must be the same text. */
    private String viaTree(String json) throws Exception {
        return Json.mapper().writeValueAsString(redactor.redact(Json.mapper().readTree(json)));
    }

    @Test
    void theStreamedJsonIsWhatRedactingTheTreeGives() throws Exception {
        List<String> documents = List.of(
                "{\"entities\":[{\"id\":\"8f14e45f-ceea-467f-a0e6-7d1c2a3b4c5d\",\"name\":\"Queue 1\","
                        + "\"selfUri\":\"/api/v2/routing/queues/8f14e45f-ceea-467f-a0e6-7d1c2a3b4c5d\","
                        + "\"dateCreated\":\"2026-11-23T10:00:00.000Z\",\"memberCount\":12,\"joined\":true}],"
                        + "\"pageSize\":25,\"pageNumber\":1,\"total\":1,\"pageCount\":1}",
                "[[[{\"email\":\"jane.doe@example.com\"}],[\"call +1 555 010 0199\",[\"ssn 123-45-6789\"]]],[],{}]",
                "{\"password\":null,\"token\":{\"value\":\"s3cr3t\",\"nested\":[1,2,{\"x\":\"y\"}]},\"apiKey\":[\"a\",\"b\"]}",
                "{\"amex\":378282246310005,\"mobile\":5550100199,\"small\":1234567,\"negative\":-4111111111111111,"
                        + "\"count\":42,\"ok\":false,\"nothing\":null}",
                "{\"pass\\u0077ord\":\"x\",\"note\":\"jane\\u0040example.com\",\"quote\":\"say \\\"hi\\\"\\n\\t\\u00e9\"}",
                "{\"note\":\"password=s3cr3t&user=jane\",\"xml\":\"<token>abc</token>\",\"auth\":\"Bearer abc.def\"}",
                "{\"Client_Secret\":\"x\",\"ACCESS-TOKEN\":\"y\",\"émail\":\"z\",\"unicode\":\"日本語 テキスト\"}",
                "\"jane.doe@example.com\"",
                "{\"jane.doe@example.com\":{\"+1 555 010 0199\":[2]},\"url\":\"redis://svc:pw@redis:6379\"}",
                "null");
        for (String document : documents) {
            assertThat(redactor.json(document)).as(document).isEqualTo(viaTree(document));
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            if (document.startsWith("{") || document.startsWith("[")) {
                assertThat(redactor.body("application/json", bytes))
                        .as(document)
                        .isEqualTo(viaTree(document));
            }
        }
    }

    @Test
    void keysThatRedactToTheSameTextStayDistinctKeysSoTheLineIsValidJson() throws Exception {
        String document = "{\"jane@example.com\":1,\"john@example.com\":{\"a@b.co\":[1],\"c@d.co\":null},"
                + "\"[REDACTED]\":3,\"+1 555 010 0199\":4,\"[REDACTED]#2\":5,\"queueId\":\"q\"}";
        com.fasterxml.jackson.databind.ObjectMapper strict = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        for (String out : List.of(
                redactor.json(document),
                redactor.body("application/json", document.getBytes(StandardCharsets.UTF_8)))) {
            var tree = strict.readTree(out); // throws on a duplicate key
            assertThat(tree.size()).as(out).isEqualTo(6);
            assertThat(tree.get("[REDACTED]").asInt()).isEqualTo(1);
            assertThat(tree.get("[REDACTED]#2").size())
                    .as("each nested object on its own")
                    .isEqualTo(2);
            assertThat(tree.get("[REDACTED]#2").has("[REDACTED]#2")).isTrue();
            assertThat(tree.get("[REDACTED]#3").asInt())
                    .as("a key that is the mask already")
                    .isEqualTo(3);
            assertThat(tree.get("[REDACTED]#4").asInt()).isEqualTo(4);
            assertThat(tree.get("[REDACTED]#2#2").asInt())
                    .as("nor does a numbered one clash")
                    .isEqualTo(5);
            assertThat(out).isEqualTo(viaTree(document));
        }
    }

    @Test
    void numbersThatLookLikePhonesOrCardsBecomeMaskedStringsAndOthersStayNumbers() {
        String out = redactor.json("{\"a\":4111111111111111,\"b\":[5550100199,20261123],\"c\":7,\"d\":1.5e3}");
        assertThat(out).isEqualTo("{\"a\":\"[REDACTED]\",\"b\":[\"[REDACTED]\",20261123],\"c\":7,\"d\":1.5e3}");
    }

    @Test
    void whatFollowsTheFirstJsonValueIsLeftOutAsBefore() throws Exception {
        String body = "{\"a\":1} {\"password\":\"s3cr3t\"}";
        assertThat(redactor.json(body)).isEqualTo("{\"a\":1}").isEqualTo(viaTree(body));
    }

    @Test
    void invalidJsonFallsBackToTheTextRedactionOfTheWholeBody() {
        String body = "{\"password\":\"s3cr3t\", oops, \"mail\":\"jane.doe@example.com\"}";
        assertThat(redactor.json(body)).isEqualTo(redactor.keyed(body)).doesNotContain("s3cr3t", "jane.doe");
        assertThat(redactor.body("application/json", body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(redactor.keyed(body));
    }

    @Test
    void aBodyCutAnywhereIsRedactedAsTextAndLosesNoSecretItStillHoldsWhole() {
        String whole = "{\"customer\":{\"password\":\"s3cr3t-value\",\"contact\":[\"jane.doe@example.com\","
                + "\"4111 1111 1111 1111\"]},\"note\":\"ok\"}";
        byte[] bytes = whole.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            String prefix = new String(bytes, 0, cut, StandardCharsets.UTF_8);
            String out = redactor.body("application/json", bytes, 0, cut);
            assertThat(out).as("cut at %d", cut).isEqualTo(redactor.keyed(prefix));
            for (String secret : List.of("s3cr3t-value", "jane.doe@example.com", "4111 1111 1111 1111")) {
                assertThat(out).as("cut at %d", cut).doesNotContain(secret);
            }
        }
    }

    @Test
    void aSliceOfALargerArrayIsReadInPlace() {
        byte[] json = "{\"email\":\"a@b.example\",\"queueId\":\"q-1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[json.length + 20];
        Arrays.fill(framed, (byte) 0);
        System.arraycopy(json, 0, framed, 7, json.length);
        assertThat(redactor.body("application/json", framed, 7, json.length))
                .isEqualTo("{\"email\":\"[REDACTED]\",\"queueId\":\"q-1\"}");
        assertThat(redactor.body("application/octet-stream", framed, 7, json.length))
                .isEqualTo(Redactor.digest(json));
    }

    @Test
    void eachPatternStillRunsRightAtTheSmallestValueItCanMatch() {
        assertThat(redactor.text("tel 555-0100 now")).isEqualTo("tel [REDACTED] now"); // seven digits
        assertThat(redactor.text("id 555-010 now")).isEqualTo("id 555-010 now"); // six
        assertThat(redactor.text("ssn 123-45-6789.")).isEqualTo("ssn [REDACTED].");
        assertThat(redactor.text("card 4222222222222 ok")).isEqualTo("card [REDACTED] ok"); // 13-digit Visa
        assertThat(redactor.text("BeArEr abc.def")).isEqualTo("BeArEr [REDACTED]");
        assertThat(redactor.text("x@y.co")).isEqualTo(Redactor.MASK);
        assertThat(redactor.keyed("\"Password\" :  \"s3cr3t\"")).isEqualTo("\"Password\" :  [REDACTED]");
        assertThat(redactor.keyed("client-secret\t=\ts3cr3t")).isEqualTo("client-secret\t=\t[REDACTED]");
        assertThat(redactor.keyed("<cardNumber a=\"1\">x</cardNumber>"))
                .isEqualTo("<cardNumber a=\"1\">[REDACTED]</cardNumber>");
        String longKey = "k".repeat(70) + "password";
        assertThat(redactor.keyed(longKey + "=s3cr3t"))
                .as("a key longer than 64 characters is not a name the pattern can see")
                .isEqualTo(longKey + "=s3cr3t");
        assertThat(redactor.keyed("user.password=s3cr3t")).isEqualTo("user.password=s3cr3t");
        // the same looks decide for a JSON string value
        assertThat(redactor.json("[\"tel 555-0100\",\"id 555-010\",\"token: x\",\"10:00:05\",\"2026-11-23\"]"))
                .isEqualTo("[\"tel [REDACTED]\",\"id 555-010\",\"token: [REDACTED]\",\"10:00:05\",\"2026-11-23\"]");
    }

    /**
     * The looks against the patterns themselves, on random text made of what the patterns care about: wherever a look
     * says a pattern cannot match, running it changes nothing.
     */
    @Test
    void aLookSkipsAPatternOnlyWhereThePatternWouldChangeNothing() {
        String[] pieces = {
            "0",
            "1",
            "4",
            "5",
            "9",
            "55",
            "0100",
            "4111",
            " ",
            "-",
            ".",
            "(",
            ")",
            "+",
            "@",
            ":",
            "=",
            "\"",
            "'",
            "<",
            ">",
            "/",
            "</",
            "T",
            "x",
            "_",
            "é",
            "\t",
            "b",
            "B",
            "a",
            "password",
            "Token",
            "client-secret",
            "name",
            "bearer ",
            "BASIC ",
            "@x.co",
            "2026-11-23",
            "10:00:05",
            "123-45-6789",
            "4111 1111 1111 1111",
            "+1 555 010 0199",
            "\u0665",
            "\u0660\u0661\u0662",
            "\uff15",
            "\ud835\udfd3",
            "\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0661\u0669\u0669"
        };
        Random random = new Random(2020);
        int flagged = 0;
        for (int sample = 0; sample < 30_000; sample++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(12); k >= 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String s = text.toString();
            if (!redactor.hasSensitiveKey(s)) {
                assertThat(redactor.maskKeys(s)).as(s).isEqualTo(s);
            }
            if (!s.contains("</")) {
                assertThat(redactor.maskXml(s)).as(s).isEqualTo(s);
            }
            if (!Redactor.hasCredentialWord(s)) {
                assertThat(Redactor.maskCredentials(s)).as(s).isEqualTo(s);
            }
            if (s.indexOf('@') < 0) {
                assertThat(Redactor.maskEmails(s)).as(s).isEqualTo(s);
            }
            int digits = Redactor.longestDigitRun(s);
            if (digits < 9) {
                assertThat(Redactor.maskSsns(s)).as(s).isEqualTo(s);
            }
            if (digits < 13) {
                assertThat(Redactor.replaceCards(s)).as(s).isEqualTo(s);
            }
            if (Redactor.longestPhoneRun(s) < 7) {
                assertThat(Redactor.replacePhones(s)).as(s).isEqualTo(s);
            }
            if (redactor.mayHoldSecret(s)) {
                flagged++;
            } else {
                String all = Redactor.replacePhones(Redactor.replaceCards(Redactor.maskSsns(
                        Redactor.maskEmails(Redactor.maskCredentials(redactor.maskXml(redactor.maskKeys(s)))))));
                assertThat(all).as(s).isEqualTo(s);
                assertThat(redactor.keyed(s)).as(s).isEqualTo(s);
            }
        }
        assertThat(flagged).as("the corpus reaches the patterns too").isBetween(1_000, 29_000);
    }

    @Test
    void aPhoneNumberRightBeforeALetterIsNoPhoneToThePatternNorToTheLook() {
        assertThat(redactor.text("tel 5550100199x")).isEqualTo("tel 5550100199x");
        assertThat(redactor.text("tel 5550100199_")).isEqualTo("tel 5550100199_");
        assertThat(redactor.text("tel 5550100199é")).isEqualTo("tel [REDACTED]é");
        assertThat(redactor.text("tel 5550100199.")).isEqualTo("tel [REDACTED].");
        assertThat(redactor.text("tel 555 010 0199x")).isEqualTo("tel 555 010 0199x");
        assertThat(redactor.text("at 2026-11-23T10:00:00Z")).isEqualTo("at 2026-11-23T10:00:00Z");
    }

    @Test
    void fieldNamesMatchIgnoringCaseDashesAndUnderscoresAlsoOutsideAscii() {
        FieldNames names = new FieldNames(List.of("clientSecret", "Émail", "\u212Aey"));
        assertThat(names.contains("CLIENT_SECRET")).isTrue();
        assertThat(names.contains("client-secret")).isTrue();
        assertThat(names.contains("_c_l_i_e_n_t_s_e_c_r_e_t_")).isTrue();
        assertThat(names.contains("clientSecrets")).isFalse();
        assertThat(names.contains("clientSecre")).isFalse();
        assertThat(names.contains("émail")).isTrue();
        assertThat(names.contains("email")).isFalse();
        assertThat(names.contains("key"))
                .as("the Kelvin sign lowers to an ASCII k")
                .isTrue();
        assertThat(names.contains("x=key:", 2, 5)).isTrue();
        assertThat(new FieldNames(List.of()).contains("anything")).isFalse();
    }

    @Test
    void readableTextIsDecidedExactlyAsTheJdkDecoderDecidesIt() {
        Random random = new Random(20);
        byte[][] samples = new byte[6000][];
        for (int i = 0; i < samples.length; i++) {
            byte[] sample = new byte[1 + random.nextInt(6)];
            for (int k = 0; k < sample.length; k++) {
                // mostly bytes around the UTF-8 boundaries, some ASCII
                int pick = random.nextInt(10);
                sample[k] = (byte)
                        (pick < 3
                                ? 0x20 + random.nextInt(0x60)
                                : pick < 4 ? random.nextInt(0x20) : 0x80 + random.nextInt(0x80));
            }
            samples[i] = sample;
        }
        for (byte[] sample : samples) {
            assertThat(Redactor.readableUtf8(sample, 0, sample.length))
                    .as("%s", Arrays.toString(sample))
                    .isEqualTo(jdkReadable(sample));
        }
        for (int cp : new int[] {0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff}) {
            byte[] encoded = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            assertThat(Redactor.readableUtf8(encoded, 0, encoded.length))
                    .as("U+%X", cp)
                    .isTrue();
        }
    }

    private static boolean jdkReadable(byte[] body) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
            return s.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t');
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
