package io.cxbridge.genesys.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.TestConfig;
import io.cxbridge.genesys.config.GenesysConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A corpus of PII and secrets in every place they hide; none may survive redaction. */
class RedactorTest {

    private static final List<String> SECRETS = List.of(
            "jane.doe@example.com",
            "j.smith+billing@corp.example.co.uk",
            "+1 555 010 0199",
            "+44 20 7946 0958",
            "(555) 010-0199",
            "555-010-0199",
            "+353871234567",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "5500005555555559",
            "378282246310005",
            "123-45-6789",
            "078-05-1120",
            "Jane Doe",
            "1 Main Street, Springfield",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
            "cxbridge-local-secret",
            "cxb_demo_key",
            "s3cr3t-fulfillment-token");

    private final Redactor redactor = redactor();

    private static Redactor redactor() {
        GenesysConfig.Redaction r = TestConfig.genesys(Map.of()).redaction();
        return new Redactor(r.fields(), r.safeQueryParameters());
    }

    @Test
    void nestedJsonLosesEverySensitiveFieldAndPiiLookingValue() {
        String body = """
                {"customer": {"name": "Jane Doe", "contact": {"email": "jane.doe@example.com",
                  "phoneNumber": "+1 555 010 0199", "address": "1 Main Street, Springfield"},
                  "payment": {"creditCard": "4111 1111 1111 1111", "note": "card 5500005555555559 on file"}},
                 "notes": ["call back on (555) 010-0199", "ssn 123-45-6789", "alt mail j.smith+billing@corp.example.co.uk"],
                 "meta": {"Access_Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
                          "client-secret": "cxbridge-local-secret", "fulfillmentToken": "s3cr3t-fulfillment-token",
                          "amex": 378282246310005, "mobile": "+353871234567", "ssn": "078-05-1120"},
                 "queueId": "8f14e45f-ceea-467f-a0e6-7d1c2a3b4c5d", "pageSize": 25, "durationMs": 1234,
                 "createdAt": "2026-11-23T10:00:00Z"}""";
        String out = redactor.json(body);
        assertNoSecret(out);
        assertThat(out)
                .contains("\"queueId\":\"8f14e45f-ceea-467f-a0e6-7d1c2a3b4c5d\"")
                .contains("\"pageSize\":25")
                .contains("\"durationMs\":1234")
                .contains("\"createdAt\":\"2026-11-23T10:00:00Z\"")
                .contains(Redactor.MASK);
    }

    @Test
    void textThatIsNotJsonIsRedactedAsText() {
        String out = redactor.json("name=Jane Doe; mail jane.doe@example.com; card 4111-1111-1111-1111; "
                + "tel 555-010-0199; ssn 123-45-6789 {broken");
        assertThat(out).doesNotContain("jane.doe@example.com", "4111-1111-1111-1111", "555-010-0199", "123-45-6789");
    }

    @Test
    void queryValuesAreRedactedUnlessKnownHarmless() {
        String out = redactor.query("pageSize=25&pageNumber=2&name=Jane%20Doe&email=jane.doe%40example.com"
                + "&q=%2B15550100199&access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&flag");
        assertThat(out)
                .startsWith("pageSize=25&pageNumber=2&")
                .contains("name=" + Redactor.MASK)
                .contains("email=" + Redactor.MASK)
                .contains("q=" + Redactor.MASK)
                .contains("access_token=" + Redactor.MASK)
                .doesNotContain("Jane", "example.com", "15550100199", "eyJ");
    }

    @Test
    void percentEncodedPiiIsFoundOnceDecodedInQueriesPathsAndText() {
        assertThat(redactor.query("type=jane%40example.com&state=%2B1%20555%20123%204567&expand=4111111111111111"
                        + "&cursor=abc%20def&pageSize=5"))
                .isEqualTo("type=[REDACTED]&state=[REDACTED]&expand=[REDACTED]&cursor=abc%20def&pageSize=5");
        assertThat(redactor.query("type=mail%20jane%40example.com%20now"))
                .as("encoded again around the mask")
                .isEqualTo("type=mail%20[REDACTED]%20now");
        assertThat(redactor.path("/api/v2/users/+15551234567/presence")).isEqualTo("/api/v2/users/[REDACTED]/presence");
        String plain = "/api/v2/users/3f0c8e2a-1b2c-4d5e-8f90-a1b2c3d4e5f6";
        assertThat(redactor.path(plain)).isSameAs(plain);
        // a listing's link in an answer body echoes the query, still encoded
        assertThat(redactor.text("/api/v2/users?type=jane%40example.com&state=%2B1%20555%20123%204567&pageSize=5"))
                .isEqualTo("/api/v2/users?type=[REDACTED]&state=[REDACTED]&pageSize=5");
        assertThat(redactor.text("double jane%2540example.com")).doesNotContain("jane");
        assertThat(redactor.text("100% sure, %zz")).isEqualTo("100% sure, %zz");
    }

    @Test
    void credentialHeadersAreMaskedAndOthersRedactedAsText() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer cxb_demo_key");
        headers.put("X-API-Key", "cxb_demo_key");
        headers.put("Cookie", "session=abc123");
        headers.put("Set-Cookie", "session=abc123; HttpOnly");
        headers.put("X-Fulfillment-Token", "s3cr3t-fulfillment-token");
        headers.put("X-Caller", "jane.doe@example.com");
        headers.put("Accept", "application/json");
        Map<String, String> out = redactor.headers(headers);
        assertThat(out)
                .containsEntry("Authorization", Redactor.MASK)
                .containsEntry("X-API-Key", Redactor.MASK)
                .containsEntry("Cookie", Redactor.MASK)
                .containsEntry("Set-Cookie", Redactor.MASK)
                .containsEntry("X-Fulfillment-Token", Redactor.MASK)
                .containsEntry("Accept", "application/json");
        assertNoSecret(out.toString());
        assertThat(out.toString()).doesNotContain("abc123");
    }

    @Test
    void bearerAndBasicCredentialsInFreeTextAreMasked() {
        String out =
                redactor.text("retrying with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
                        + " and basic Y3hicmlkZ2UtbG9jYWw6Y3hicmlkZ2UtbG9jYWwtc2VjcmV0");
        assertThat(out).doesNotContain("eyJ", "Y3hicmlkZ2U");
    }

    @Test
    void numbersThatAreNotCardsOrPhonesSurvive() {
        assertThat(redactor.text("order 4111111111111112 took 1234 ms, version 3.34.1, at 10:00:05 on 2026-11-23"))
                .contains("4111111111111112")
                .contains("1234 ms")
                .contains("3.34.1")
                .contains("10:00:05")
                .contains("2026-11-23");
        assertThat(Redactor.luhn("4111111111111111")).isTrue();
        assertThat(Redactor.luhn("4111111111111112")).isFalse();
    }

    @Test
    void jsonKeysThatHoldPiiAreRedactedLikeValues() throws Exception {
        String body = "{\"jane.doe@example.com\": 1, \"+1 555 010 0199\": {\"ok\": true}, \"queueId\": 7,"
                + " \"nested\": {\"123-45-6789\": \"x\"}}";
        String streamed = redactor.body("application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String fromText = redactor.json(body);
        String fromTree =
                redactor.redact(io.cxbridge.model.Json.mapper().readTree(body)).toString();
        for (String out : List.of(streamed, fromText, fromTree)) {
            assertThat(out)
                    .doesNotContain("jane.doe@example.com")
                    .doesNotContain("555 010 0199")
                    .doesNotContain("123-45-6789")
                    .contains("\"queueId\":7")
                    .contains("\"ok\":true")
                    .contains(Redactor.MASK);
        }
        // two keys that redact alike keep both values in a tree
        assertThat(redactor.redact(
                                io.cxbridge.model.Json.mapper().readTree("{\"a@example.com\":1,\"b@example.com\":2}"))
                        .size())
                .isEqualTo(2);
    }

    @Test
    void numbersWrittenInDigitsOfOtherScriptsAreMaskedToo() {
        String arabicIndic = "\u0665\u0665\u0665 \u0660\u0661\u0660 \u0660\u0661\u0669\u0669"; // 555 010 0199
        String persian = "\u06f0\u06f9\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"; // 09123456789
        String fullwidth = "+\uff11 \uff15\uff15\uff15 \uff10\uff11\uff10 \uff10\uff11\uff19\uff19";
        String devanagari = "(\u096b\u096b\u096b) \u0966\u0967\u0966-\u0966\u0967\u096f\u096f";
        String mathematical = "\ud835\udfdb\ud835\udfdb\ud835\udfdb-\ud835\udfd8\ud835\udfd9\ud835\udfd8-"
                + "\ud835\udfd8\ud835\udfd9\ud835\udfe1\ud835\udfe1"; // outside the BMP
        String mixed = "555\u0660\u0661\u0660\u0660199";
        for (String phone : List.of(arabicIndic, persian, fullwidth, devanagari, mathematical, mixed)) {
            assertThat(redactor.text("call " + phone + " now")).as(phone).isEqualTo("call [REDACTED] now");
            assertThat(redactor.json("{\"note\":\"call " + phone + "\"}"))
                    .as("a JSON string's look counts them too: %s", phone)
                    .isEqualTo("{\"note\":\"call [REDACTED]\"}");
            assertThat(redactor.body(
                            "application/json",
                            ("{\"" + phone + "\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .isEqualTo("{\"[REDACTED]\":1}");
            assertThat(redactor.path("/api/v2/users/" + io.cxbridge.genesys.url.RequestTarget.encode(phone)))
                    .isEqualTo("/api/v2/users/[REDACTED]");
        }
        assertThat(redactor.text("ssn \u0661\u0662\u0663-\u0664\u0665-\u0666\u0667\u0668\u0669"))
                .isEqualTo("ssn [REDACTED]");
        assertThat(redactor.text("card \uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11"
                        + " \uff11\uff11\uff11\uff11"))
                .isEqualTo("card [REDACTED]");
        // what is no phone in ASCII digits is none in others either
        for (String kept : List.of(
                "room \u0664\u0662",
                "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0663",
                "id \u0665\u0665\u0665-\u0660\u0661\u0660",
                "\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0661\u0669\u0669x")) {
            assertThat(redactor.text(kept)).as(kept).isEqualTo(kept);
        }
    }

    @Test
    void emailAddressesWithANonAsciiDomainOrLocalPartAreMaskedAsAsciiOnesAre() {
        for (String address : List.of(
                "anna@b\u00fccher.example", // an IDN domain
                "x@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", // x@пример.рф
                "m\u00fcller@example.com", // a local part outside ASCII, from its first letter
                "\u0430\u043d\u043d\u0430@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
                "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a", // Chinese
                "jose\u0301@example.com", // a combining accent
                "x\ud835\udc00y@example.com", // a letter outside the BMP
                "u@\u0924\u093e\u0930.\u092d\u093e\u0930\u0924")) { // Devanagari vowel signs (marks)
            assertThat(redactor.text("mail " + address + " now")).as(address).isEqualTo("mail [REDACTED] now");
            assertThat(redactor.json("{\"note\":\"mail " + address + "\"}"))
                    .as(address)
                    .isEqualTo("{\"note\":\"mail [REDACTED]\"}");
            assertThat(redactor.body(
                            "application/json",
                            ("{\"" + address + "\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as("a key: %s", address)
                    .isEqualTo("{\"[REDACTED]\":1}");
            assertThat(redactor.path("/api/v2/users/" + io.cxbridge.genesys.url.RequestTarget.encode(address)))
                    .as("percent-encoded: %s", address)
                    .isEqualTo("/api/v2/users/[REDACTED]");
        }
        // what is no address in ASCII is none in other scripts either
        for (String kept : List.of(
                "\u00fc @ \u00fc.de", "b\u00fccher@example", "@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444")) {
            assertThat(redactor.text(kept)).as(kept).isEqualTo(kept);
        }
    }

    @Test
    void urlUserInfoIsMaskedWhole() {
        assertThat(redactor.text("connecting to redis://svc:hunter2@redis:6379 now"))
                .isEqualTo("connecting to redis://" + Redactor.MASK + "@redis:6379 now");
        assertThat(redactor.text("https://admin:pa$$word@db.example.com/x"))
                .isEqualTo("https://" + Redactor.MASK + "@db.example.com/x");
        assertThat(redactor.text("postgres://app:p@ss@db:5432/app"))
                .isEqualTo("postgres://" + Redactor.MASK + "@db:5432/app");
        assertThat(redactor.text("redis://svc:p%40ss@redis:6379"))
                .doesNotContain("p%40ss")
                .doesNotContain("svc");
        assertThat(redactor.json("{\"url\": \"amqp://guest:guest@mq:5672/vhost\"}"))
                .doesNotContain("guest")
                .contains("mq:5672/vhost");
        // no user info: left as it is
        assertThat(redactor.text("https://api.mypurecloud.ie/api/v2/users?x=1"))
                .isEqualTo("https://api.mypurecloud.ie/api/v2/users?x=1");
    }

    private static void assertNoSecret(String out) {
        for (String secret : SECRETS) {
            assertThat(out).as("redacted output still holds '%s'", secret).doesNotContain(secret);
        }
    }

    @Test
    void everyBodyFormatIsMaskedByKeyAndPattern() {
        String form = redactor.body(
                "application/x-www-form-urlencoded; charset=UTF-8",
                "client_secret=s3cr3t&name=Jane+Doe&grant_type=client_credentials&note=jane.doe%40example.com"
                        .getBytes());
        assertThat(form)
                .isEqualTo("client_secret=[REDACTED]&name=[REDACTED]&grant_type=client_credentials&note=[REDACTED]");

        String yaml = redactor.body("application/yaml", """
                policies:
                  - name: Jane Doe
                    fulfillmentToken: s3cr3t
                    "access_token": 's3cr3t'
                    password: |
                      s3cr3t
                      more s3cr3t
                    retention: 30d # call +1 555 010 0199
                authorization:
                  scheme: Bearer s3cr3t
                """.getBytes());
        assertThat(yaml)
                .contains("fulfillmentToken: [REDACTED]", "retention: 30d", "policies:")
                .doesNotContain("s3cr3t", "Jane", "555 010");

        String cut = redactor.body(
                "application/json",
                "{\"contact\":\"jane.doe@example.com\",\"password\":\"s3\\\"cr3t\",\"token\":\"s3cr3t".getBytes());
        assertThat(cut).contains("\"password\":[REDACTED]").doesNotContain("s3cr3t", "cr3t", "jane.doe");

        String text = redactor.body(
                "text/plain",
                "token=s3cr3t; Authorization: s3cr3t <password>s3cr3t</password> ssn 123-45-6789".getBytes());
        assertThat(text).doesNotContain("s3cr3t", "123-45-6789");
        assertThat(redactor.body(null, "{\"client_secret\":\"s3cr3t\",\"nested\":\"password=s3cr3t\"}".getBytes()))
                .doesNotContain("s3cr3t");
        assertThat(redactor.body("text/csv", "id,status\n1,ok".getBytes())).isEqualTo("id,status\n1,ok");
    }

    @Test
    void aBinaryOrUnreadableBodyIsOnlyItsSizeAndHash() {
        byte[] binary = {0, 1, 2, 's', '3', 'c', 'r', '3', 't'};
        assertThat(redactor.body("application/octet-stream", binary)).matches("9 B sha256 [0-9a-f]{64}");
        assertThat(redactor.body("application/json", binary))
                .as("a JSON type with control bytes")
                .matches("9 B sha256 [0-9a-f]{64}");
        assertThat(redactor.body("image/png", "s3cr3t".getBytes())).doesNotContain("s3cr3t");
        assertThat(redactor.body("text/plain", new byte[] {(byte) 0xc0, (byte) 0xae}))
                .startsWith("2 B sha256 ");
        assertThat(redactor.body("application/json", new byte[0])).isEmpty();
    }

    /**
     * Each search pattern reads its input a bounded number of times per character, on inputs built to make a
     * backtracking pattern rescan (runs of its own characters with no end it accepts): a body of a few KiB must never
     * cost the event loop seconds. Counted in characters read, not timed. So is the numbering of JSON keys that redact
     * alike (counted in names tried through the set {@code Numbering} is given; the streamed and tree outputs both
     * keep every key once): a 10 KiB body of one masked key repeated costs names tried, not names squared.
     */
    @Test
    void everySearchPatternReadsItsInputInLinearTime() {
        List<String> inputs = List.of(
                "a.".repeat(5000),
                "a.".repeat(2500) + "@" + "a.".repeat(2500),
                "a@".repeat(5000),
                "<a ".repeat(3333),
                "<a>".repeat(3333),
                "a".repeat(64) + " ".repeat(10_000),
                "a".repeat(10_000) + "=",
                "\"".repeat(10_000),
                "1 ".repeat(5000),
                "\u0661 ".repeat(5000),
                "\u0661".repeat(10_000),
                "\ud835\udfd9-".repeat(3000),
                "1".repeat(10_000),
                "1-".repeat(5000),
                "+1 (1) ".repeat(1500),
                "a=".repeat(5000),
                "@a.".repeat(3333),
                "- ".repeat(5000) + "a",
                "bearer ".repeat(1500),
                "a://" + "b:".repeat(5000),
                "a://".repeat(2500),
                "a://" + "b@".repeat(5000),
                "\u00e4.".repeat(5000),
                "\u00e4.".repeat(2500) + "@" + "\u00e4.".repeat(2500),
                "\u00e4@".repeat(5000),
                "@\u00e4.".repeat(3333),
                "\u0430\u0301".repeat(2500) + "@" + "\u0430\u0301.".repeat(1666));
        for (java.util.regex.Pattern p : Redactor.searchPatterns()) {
            for (String input : inputs) {
                CountingChars chars = new CountingChars(input);
                java.util.regex.Matcher m = p.matcher(chars);
                while (m.find()) {
                    // every match, as the redactor walks them
                }
                assertThat(chars.reads)
                        .as(
                                "characters read by %s over %d characters of %s...",
                                p, input.length(), input.substring(0, 8))
                        .isLessThanOrEqualTo(60L * input.length());
            }
        }
        int keys = 930; // about 10 KiB of body
        List<List<String>> bodies = List.of(
                java.util.Collections.nCopies(keys, "a@b.co"),
                java.util.Collections.nCopies(keys, Redactor.MASK),
                java.util.stream.IntStream.range(0, keys)
                        .mapToObj(i -> i % 2 == 0 ? "a@b.co" : Redactor.MASK + "#" + (i + 2))
                        .toList(),
                java.util.stream.IntStream.range(0, keys)
                        .mapToObj(i -> "u" + i + "@b.co")
                        .toList());
        for (List<String> names : bodies) {
            String body = names.stream()
                    .map(n -> "\"" + n + "\":0")
                    .collect(java.util.stream.Collectors.joining(",", "{", "}"));
            // The numbering both outputs use, fed the keys as the redactor writes them: the names it tries (adds to
            // the object's set) counted through the set it is given.
            long[] tried = {0};
            Redactor.Numbering numbering = new Redactor.Numbering(new java.util.HashSet<>() {
                @Override
                public boolean add(String name) {
                    tried[0]++;
                    return super.add(name);
                }
            });
            for (String name : names) {
                String written = redactor.keyed(name);
                if (Redactor.Numbering.holdsMask(written)) {
                    numbering.unique(written);
                }
            }
            assertThat(tried[0])
                    .as("names tried numbering the keys of %s...", body.substring(0, 24))
                    .isLessThanOrEqualTo(3L * keys);
            String streamed = redactor.body("application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            com.fasterxml.jackson.databind.JsonNode tree;
            try {
                assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                                .readTree(streamed)
                                .size())
                        .as("every key kept, none twice")
                        .isEqualTo(keys);
                tree = io.cxbridge.model.Json.mapper().readTree(body); // a repeated key is one key in a tree
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            int distinct = tree.size();
            assertThat(redactor.redact(tree).size()).isEqualTo(distinct);
        }
    }

    /** A text that counts how often its characters are read. */
    private static final class CountingChars implements CharSequence {
        private final String s;
        long reads;

        CountingChars(String s) {
            this.s = s;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            reads++;
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
