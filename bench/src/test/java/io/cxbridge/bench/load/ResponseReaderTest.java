package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds the response one byte at a time: every state must survive a split anywhere. */
    private static boolean byteByByte(ResponseReader r, String s) throws IOException {
        boolean done = false;
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            assertThat(done).as("done before the last byte").isFalse();
            done = r.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        return done;
    }

    @Test
    void aBodyIsSkippedByItsContentLength() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, true);
        String resp = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Cache: HIT\r\n\r\nhello";
        assertThat(byteByByte(r, resp)).isTrue();
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.headers().get("x-cache")).isEqualTo("HIT");
        assertThat(r.closes()).isFalse();
    }

    @Test
    void bytesAfterTheResponseAreLeftInTheBuffer() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
        assertThat(r.feed(in)).isTrue();
        assertThat(in.remaining()).isEqualTo(5);
        assertThat(r.headers()).isNull();
    }

    @Test
    void chunksAndTrailersAreReadToTheEnd() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        String resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";
        assertThat(byteByByte(r, resp)).isTrue();
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aChunkedResponseIsNotDoneBeforeItsLastChunk() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        assertThat(r.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")))
                .isFalse();
        assertThat(r.feed(bytes("0\r\n\r\n"))).isTrue();
    }

    @Test
    void noBodyFor204For304AndForHead() throws IOException {
        for (String status : new String[] {"204 No Content", "304 Not Modified"}) {
            ResponseReader r = new ResponseReader();
            r.reset(false, false);
            assertThat(r.feed(bytes("HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n")))
                    .isTrue();
        }
        ResponseReader head = new ResponseReader();
        head.reset(true, false);
        assertThat(head.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")))
                .isTrue();
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        assertThat(r.feed(bytes("HTTP/1.1 200 OK\r\n\r\nsome body"))).isFalse();
        assertThat(r.endOfInput()).isTrue();
        assertThat(r.closes()).isTrue();
    }

    @Test
    void theEndOfInputInTheMiddleOfALengthIsNotAnEnd() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        assertThat(r.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")))
                .isFalse();
        assertThat(r.endOfInput()).isFalse();
    }

    @Test
    void connectionCloseAndHttp10AreSeen() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        assertThat(r.feed(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")))
                .isTrue();
        assertThat(r.closes()).isTrue();
        r.reset(false, false);
        assertThat(r.feed(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")))
                .isTrue();
        assertThat(r.closes()).isTrue();
        r.reset(false, false);
        assertThat(r.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")))
                .isTrue();
        assertThat(r.closes()).as("reset forgets the last close").isFalse();
    }

    @Test
    void anInterimAnswerIsFollowedByTheRealOne() throws IOException {
        ResponseReader r = new ResponseReader();
        r.reset(false, true);
        assertThat(byteByByte(r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"))
                .isTrue();
        assertThat(r.status()).isEqualTo(202);
    }

    @Test
    void whatIsNotAnHttpResponseIsRefused() {
        ResponseReader r = new ResponseReader();
        r.reset(false, false);
        assertThatThrownBy(() -> r.feed(bytes("SSH-2.0-OpenSSH\r\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("status line");
        r.reset(false, false);
        assertThatThrownBy(() -> r.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("content-length");
        r.reset(false, false);
        assertThatThrownBy(() -> r.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("chunk size");
        r.reset(false, false);
        assertThatThrownBy(() -> r.feed(bytes("HTTP/1.1 200 OK\r\n" + "x".repeat(ResponseReader.MAX_LINE + 1))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("longer than");
    }
}
