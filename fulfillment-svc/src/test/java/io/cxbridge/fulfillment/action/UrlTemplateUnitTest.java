package io.cxbridge.fulfillment.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlTemplateUnitTest {

    private static JsonNode body(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void pathTraversalQueryAndFragmentCharactersInAValueStayData() throws Exception {
        UrlTemplate t = UrlTemplate.parse("orders", "https://api.example.com/orders/{id}/lines?q={q}&x=1");
        String url = t.expand(body("{\"id\":\"../admin?x=1#frag\",\"q\":\"a&b=c#d e/f%2F\"}"))
                .url();

        assertThat(url)
                .isEqualTo("https://api.example.com/orders/..%2Fadmin%3Fx%3D1%23frag/lines"
                        + "?q=a%26b%3Dc%23d%20e%2Ff%252F&x=1");
        URI uri = URI.create(url);
        assertThat(uri.getHost()).isEqualTo("api.example.com");
        assertThat(uri.getPath()).isEqualTo("/orders/../admin?x=1#frag/lines"); // decoded: one segment of data
        assertThat(uri.getRawPath().split("/")).hasSize(4);
        assertThat(uri.getFragment()).isNull();
    }

    @Test
    void numbersAndBooleansAreUsedAsText() throws Exception {
        UrlTemplate t = UrlTemplate.parse("a", "https://api.example.com/x/{n}?flag={b}");
        assertThat(t.expand(body("{\"n\":42,\"b\":true}")).url()).isEqualTo("https://api.example.com/x/42?flag=true");
    }

    @Test
    void missingObjectOrDotOnlyFieldsAreListedAndNoUrlIsMade() throws Exception {
        UrlTemplate t = UrlTemplate.parse("a", "https://api.example.com/{id}/{sub}?q={q}&r={r}");
        UrlTemplate.Expansion e = t.expand(body("{\"id\":\"..\",\"sub\":{\"x\":1},\"r\":null}"));

        assertThat(e.ok()).isFalse();
        assertThat(e.problems()).extracting(Violation::field).containsExactlyInAnyOrder("id", "sub", "q", "r");
        assertThat(t.expand(body("[1,2]")).problems())
                .extracting(Violation::field)
                .containsExactlyInAnyOrder("id", "sub", "q", "r");
    }

    @Test
    void aTemplateWithoutPlaceholdersNeedsNothing() throws Exception {
        UrlTemplate t = UrlTemplate.parse("echo", "http://127.0.0.1:8090/external/api");
        assertThat(t.fields()).isEmpty();
        assertThat(t.expand(body("\"just a string\"")).url()).isEqualTo("http://127.0.0.1:8090/external/api");
        assertThat(t.origin()).isEqualTo(URI.create("http://127.0.0.1:8090"));
    }

    @Test
    void aPlaceholderInTheHostOrSchemeIsRefusedNamingTheAction() {
        assertThatThrownBy(() -> UrlTemplate.parse("lookup", "https://{tenant}.example.com/x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cxbridge.actions.lookup")
                .hasMessageContaining("scheme or host");
        assertThatThrownBy(() -> UrlTemplate.parse("lookup2", "https://api.example.com:{port}/x"))
                .hasMessageContaining("cxbridge.actions.lookup2");
        assertThatThrownBy(() -> UrlTemplate.parse("lookup3", "{scheme}://api.example.com/x"))
                .hasMessageContaining("cxbridge.actions.lookup3");
        assertThatThrownBy(() -> UrlTemplate.parse("lookup4", "https://user:{pw}@api.example.com/x"))
                .hasMessageContaining("cxbridge.actions.lookup4");
    }

    @Test
    void onlySimplePlaceholdersAndNoFragments() {
        assertThatThrownBy(() -> UrlTemplate.parse("r", "https://api.example.com/{+path}"))
                .hasMessageContaining("simple {field} placeholders");
        assertThatThrownBy(() -> UrlTemplate.parse("f", "https://api.example.com/x#{frag}"))
                .hasMessageContaining("fragment");
        assertThatThrownBy(() -> UrlTemplate.parse("rel", "/relative/{x}")).hasMessageContaining("absolute");
    }
}
