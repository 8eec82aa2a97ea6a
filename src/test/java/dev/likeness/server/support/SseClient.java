package dev.likeness.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a Server-Sent Events stream over a raw socket until the server closes it (bounded by a timeout). */
public final class SseClient {
    public record Event(String name, String data) {}

    private SseClient() {}

    public static List<Event> readAll(int port, String token, String path, int timeoutMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                    + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String status = RawHttp.line(in);
            if (!status.contains(" 200")) {
                throw new IOException("stream refused: " + status);
            }
            Map<String, String> headers = new java.util.HashMap<>();
            for (String l = RawHttp.line(in); l != null && !l.isEmpty(); l = RawHttp.line(in)) {
                headers.put(l.substring(0, l.indexOf(':')).toLowerCase(), l.substring(l.indexOf(':') + 1).trim());
            }
            if (!headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
                throw new IOException("not an event stream: " + headers);
            }
            InputStream body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Dechunk(in) : in;
            List<Event> events = new ArrayList<>();
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String l = RawHttp.line(body); l != null; l = RawHttp.line(body)) {
                if (l.isEmpty()) {
                    if (name != null || data.length() > 0) {
                        events.add(new Event(name == null ? "message" : name, data.toString()));
                    }
                    name = null;
                    data.setLength(0);
                } else if (l.startsWith("event:")) {
                    name = l.substring(6).trim();
                } else if (l.startsWith("data:")) {
                    data.append(l.substring(5).trim());
                }
            }
            return events;
        }
    }

    /** Decodes HTTP chunked transfer encoding. */
    private static final class Dechunk extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Dechunk(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = RawHttp.line(in);
                if (size == null) {
                    done = true;
                    return -1;
                }
                if (size.isEmpty()) {
                    size = RawHttp.line(in);
                }
                left = size == null ? 0 : Integer.parseInt(size.trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            left--;
            return in.read();
        }
    }
}
