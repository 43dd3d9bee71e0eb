package io.cxbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The proxy speaks HTTP/1.1 only (its header checks, framing and body handling assume it): a client that opens
 * with the HTTP/2 preface (h2c with prior knowledge) is not served as HTTP/2.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class Http2DisabledTest {

    /** The connection preface, then an empty SETTINGS frame (RFC 9113 3.4). */
    private static final byte[] PREFACE_AND_SETTINGS;

    static {
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
        PREFACE_AND_SETTINGS = new byte[preface.length + settings.length];
        System.arraycopy(preface, 0, PREFACE_AND_SETTINGS, 0, preface.length);
        System.arraycopy(settings, 0, PREFACE_AND_SETTINGS, preface.length, settings.length);
    }

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void aPriorKnowledgeH2cClientGetsNoHttp2Settings() throws Exception {
        byte[] answer;
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE_AND_SETTINGS);
            out.flush();
            answer = readUpTo(socket.getInputStream(), 12);
        }
        // An HTTP/2 server's first bytes are its SETTINGS frame: a 3-byte length, then type 4.
        assertThat(answer.length >= 4 && answer[3] == 4)
                .as("the gateway answered the preface with an HTTP/2 SETTINGS frame")
                .isFalse();
        if (answer.length > 0) {
            // The HTTP/1.1 decoder's own refusal of the request line "PRI * HTTP/2.0" (it echoes the version).
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).matches("HTTP/\\d\\.\\d [45]\\d\\d.*");
        }
    }

    /** Up to {@code n} bytes: fewer when the server closes, none when it closes at once. */
    private static byte[] readUpTo(InputStream in, int n) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buf = new byte[n];
        try {
            for (int got; read.size() < n && (got = in.read(buf, 0, n - read.size())) > 0; ) {
                read.write(buf, 0, got);
            }
        } catch (SocketTimeoutException e) {
            // what came before the wait is the answer
        }
        return read.toByteArray();
    }
}
