package io.cxbridge.genesys.urlpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.event.Ids;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link FulfillmentUrlPolicy#fulfillmentIdOf}: the id a fulfillment URL names, which a job's fulfillmentId must
 * equal; and the one rule for an id, shared with {@code FulfillmentJob}'s constraint.
 */
class FulfillmentIdOfUrlUnitTest {

    private static final InetAddress[] NONE = new InetAddress[0];

    private final FulfillmentUrlPolicy policy =
            new FulfillmentUrlPolicy(List.of("api.mypurecloud.ie"), List.of("127.0.0.1:8090"), h -> NONE);

    @Test
    void theIdIsTheCallbackPathsFulfillmentIdSegment() {
        assertThat(policy.fulfillmentIdOf("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/ff-1"))
                .contains("ff-1");
        assertThat(policy.fulfillmentIdOf(" http://127.0.0.1:8090/api/v2/dataactions/fulfillments/a.b_c~d-9 "))
                .contains("a.b_c~d-9");
        // on a configured path whose placeholder is not the last segment, the placeholder's segment
        FulfillmentUrlPolicy nested = new FulfillmentUrlPolicy(
                List.of("api.mypurecloud.ie"), List.of(), "/callbacks/{fulfillmentId}/result", h -> NONE);
        assertThat(nested.fulfillmentIdOf("https://api.mypurecloud.ie/callbacks/ff-7/result"))
                .contains("ff-7");
    }

    @Test
    void aUrlWhosePathIsNotTheCallbackPathNamesNoId() {
        for (String url : new String[] {
            null,
            "",
            "not a url",
            "https://api.mypurecloud.ie/api/v2/users",
            "https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/",
            "https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/a/b",
            "https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/..",
            "https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/a%20b",
            "https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/" + "a".repeat(257)
        }) {
            assertThat(policy.fulfillmentIdOf(url)).as(String.valueOf(url)).isEmpty();
        }
    }

    @Test
    void theIdRuleAdmitsNothingThatIsNotAValidHeaderValueOrNeedsEncoding() {
        Pattern id = Pattern.compile(Ids.FULFILLMENT_ID_REGEX);
        for (String ok : List.of("a", "ff-1", "...", "a.b_c~d-9", "x".repeat(256))) {
            assertThat(id.matcher(ok).matches()).as(ok).isTrue();
        }
        for (String bad :
                List.of("", ".", "..", "a\u0001", "a\nb", "a b", "a/b", "a%20", "caf\u00e9", "x".repeat(257))) {
            assertThat(id.matcher(bad).matches()).as(bad).isFalse();
        }
    }
}
