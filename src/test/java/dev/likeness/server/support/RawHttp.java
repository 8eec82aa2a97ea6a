package dev.likeness.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a socket to 127.0.0.1, so tests control every header (Host included, which
 * java.net.http refuses to set) and can send chunked bodies.
 */
public final class RawHttp {
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        public String errorCode() {
            return json().path("error").path("code").asText();
        }
    }

    private final int port;
    private final String token;

    public RawHttp(int port, String token) {
        this.port = port;
        this.token = token;
    }

    public Response get(String path) throws IOException {
        return send("GET", path, auth(), null);
    }

    public Response postJson(String path, String json) throws IOException {
        Map<String, String> h = auth();
        h.put("Content-Type", "application/json");
        return send("POST", path, h, json.getBytes(StandardCharsets.UTF_8));
    }

    public Response postPng(String path, byte[] png) throws IOException {
        Map<String, String> h = auth();
        h.put("Content-Type", "image/png");
        return send("POST", path, h, png);
    }

    public Response delete(String path) throws IOException {
        return send("DELETE", path, auth(), null);
    }

    public Map<String, String> auth() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + port);
        if (token != null) {
            h.put("Authorization", "Bearer " + token);
        }
        return h;
    }

    /** Sends exactly these headers (plus Connection: close and Content-Length for a body). */
    public Response send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("Connection: close\r\n");
            if (body != null) {
                req.append("Content-Length: ").append(body.length).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** Sends a chunked body of {@code total} bytes without a Content-Length; stops early if the server answers. */
    public Response sendChunked(String method, String path, Map<String, String> headers, long total)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            try {
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedByServer) {
                // the server may refuse and close before the whole body is sent; its answer is still readable
            }
            return read(s.getInputStream());
        }
    }

    public static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("no response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(code, headers, body.toByteArray());
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
