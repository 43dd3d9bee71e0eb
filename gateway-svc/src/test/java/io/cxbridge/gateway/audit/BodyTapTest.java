package io.cxbridge.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.redaction.Redactor;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log line's view of a body: kept and redacted within the limit, size and SHA-256 of every byte past it. */
class BodyTapTest {

    private final Redactor redactor = new Redactor(List.of("password"), List.of());

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /** The body cut into chunks of {@code chunk} bytes, each a slice in the middle of a larger buffer. */
    private static BodyTap streamed(byte[] body, int chunk, int limit) {
        BodyTap tap = new BodyTap(limit);
        for (int at = 0; at < body.length; at += chunk) {
            int length = Math.min(chunk, body.length - at);
            byte[] framed = new byte[length + 6];
            System.arraycopy(body, at, framed, 3, length);
            tap.accept(Buffer.buffer(Unpooled.wrappedBuffer(framed, 3, length)));
        }
        return tap;
    }

    @Test
    void aBodyWithinTheLimitIsLoggedRedactedWhateverItsChunks() {
        byte[] body = "{\"password\":\"s3cr3t\",\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= body.length; chunk++) {
            BodyTap tap = streamed(body, chunk, body.length);
            assertThat(tap.size()).isEqualTo(body.length);
            assertThat(tap.logged(redactor, "application/json"))
                    .as("chunks of %d", chunk)
                    .isEqualTo("{\"password\":\"[REDACTED]\",\"name\":\"x\"}");
            assertThat(tap.small().getBytes()).isEqualTo(body);
        }
    }

    @Test
    void aBodyPastTheLimitIsItsSizeAndTheHashOfEveryByteWhereverTheLimitFalls() throws Exception {
        byte[] body = bytes(1000);
        for (int chunk : new int[] {1, 7, 100, 333, 999, 1000}) {
            for (int limit : new int[] {0, 1, 99, 100, 101, 998, 999}) {
                BodyTap tap = streamed(body, chunk, limit);
                assertThat(tap.small()).isNull();
                assertThat(tap.sha256()).isEqualTo(sha256(body));
                assertThat(tap.logged(redactor, "text/plain"))
                        .as("chunks of %d, limit %d", chunk, limit)
                        .isEqualTo("1000 B sha256 " + sha256(body));
            }
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsStillLogged() throws Exception {
        byte[] body = bytes(100);
        assertThat(streamed(body, 30, 100).logged(redactor, "text/plain")).isEqualTo(new String(body));
        assertThat(streamed(body, 30, 99).logged(redactor, "text/plain")).startsWith("100 B sha256 ");
        assertThat(streamed(body, 30, 100).sha256()).isEqualTo(sha256(body));
    }

    @Test
    void aWholeBodyWithinTheLimitIsKeptAsItIsNotCopied() throws Exception {
        Buffer whole = Buffer.buffer("password=s3cr3t");
        BodyTap tap = BodyTap.of(whole, 100);
        assertThat(tap.small()).isSameAs(whole);
        assertThat(tap.logged(redactor, "text/plain")).isEqualTo("password=[REDACTED]");
        assertThat(BodyTap.of(whole, 5).logged(redactor, "text/plain"))
                .isEqualTo("15 B sha256 " + sha256(whole.getBytes()));
        assertThat(BodyTap.of(Buffer.buffer(), 5).logged(redactor, "text/plain"))
                .isEmpty();
    }

    @Test
    void aBodyInDirectOrCompositeBuffersIsHashedInPlace() throws Exception {
        byte[] body = bytes(300);
        BodyTap tap = new BodyTap(10);
        tap.accept(Buffer.buffer(Unpooled.directBuffer(200).writeBytes(body, 0, 200)));
        tap.accept(Buffer.buffer(Unpooled.wrappedBuffer(
                Unpooled.wrappedBuffer(body, 200, 50), Unpooled.directBuffer(50).writeBytes(body, 250, 50))));
        assertThat(tap.logged(redactor, "application/octet-stream")).isEqualTo("300 B sha256 " + sha256(body));
    }
}
