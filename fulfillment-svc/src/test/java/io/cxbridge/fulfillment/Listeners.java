package io.cxbridge.fulfillment;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** Local listeners for URL policy tests, one of each per JVM. */
final class Listeners {

    private Listeners() {}

    /** Answers every request with 302 to the trap; counts requests. */
    static final class Redirector {
        private final HttpServer server;
        private final AtomicLong requests = new AtomicLong();

        Redirector(int trapPort) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + trapPort + "/stolen");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        long requests() {
            return requests.get();
        }
    }

    /** Accepts and counts connections, answers nothing. */
    static final class Trap {
        private final ServerSocket socket;
        private final AtomicLong connections = new AtomicLong();

        Trap() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread t = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try (Socket s = socket.accept()) {
                                connections.incrementAndGet();
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "trap-listener");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        long connections() {
            return connections.get();
        }
    }

    private static Trap trap;
    private static Redirector redirector;

    static synchronized Trap trap() {
        if (trap == null) {
            trap = new Trap();
        }
        return trap;
    }

    static synchronized Redirector redirector() {
        if (redirector == null) {
            redirector = new Redirector(trap().port());
        }
        return redirector;
    }
}
