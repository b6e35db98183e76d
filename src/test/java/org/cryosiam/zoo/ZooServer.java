package org.cryosiam.zoo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A model server on loopback only (127.0.0.1, a free port): {@code /repo/<file>} serves the bytes put there, honours
 * {@code Range: bytes=N-} with 206, answers 404 otherwise, and can drop the connection mid-body.
 */
final class ZooServer implements AutoCloseable {
    /** A served file; {@code dropAfter} bytes are sent before the connection is cut, for the first {@code drops} requests. */
    static final class Route {
        final byte[] body;
        final String contentType;
        volatile int dropAfter = -1;
        final AtomicInteger drops = new AtomicInteger();

        Route(byte[] body, String contentType) {
            this.body = body;
            this.contentType = contentType;
        }
    }

    /** One request as received: path and Range header (null when none). */
    record Request(String path, String range) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    ZooServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to give as {@code cryosiam.models.url}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo";
    }

    Route serve(String file, byte[] body, String contentType) {
        Route r = new Route(body, contentType);
        routes.put("/repo/" + file, r);
        return r;
    }

    private void handle(HttpExchange ex) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(new Request(ex.getRequestURI().getPath(), range));
        Route r = routes.get(ex.getRequestURI().getPath());
        if (r == null) {
            byte[] msg = "Entry not found".getBytes();
            ex.sendResponseHeaders(404, msg.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(msg);
            }
            return;
        }
        int start = 0;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                start = Integer.parseInt(m.group(1));
                if (start >= r.body.length) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + r.body.length);
                    ex.sendResponseHeaders(416, -1);
                    ex.close();
                    return;
                }
            }
        }
        ex.getResponseHeaders().add("Content-Type", r.contentType);
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        int length = r.body.length - start;
        if (start > 0) {
            ex.getResponseHeaders().add("Content-Range",
                    "bytes " + start + "-" + (r.body.length - 1) + "/" + r.body.length);
            ex.sendResponseHeaders(206, length);
        } else {
            ex.sendResponseHeaders(200, length);
        }
        OutputStream o = ex.getResponseBody();
        if (r.dropAfter >= 0 && r.drops.getAndDecrement() > 0) {
            o.write(r.body, start, Math.min(length, r.dropAfter));
            o.flush();
            // a handler that throws makes the server close the socket: the client sees fewer bytes than announced
            throw new IOException("connection dropped on purpose");
        }
        o.write(r.body, start, length);
        o.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
