package dev.likeness.server.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Speaks Py4J's text protocol the way the Python client does ({@code A\ntoken\n} to authenticate,
 * {@code c\nt\nmethod\nargs...\ne\n} to call the entry point), so tests exercise the real wire format.
 */
public final class Py4jWire implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public Py4jWire(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Sends raw protocol lines (each gets a '\n') and returns the answer line, or null if the socket closed. */
    public String send(String... lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return in.readLine();
    }

    public String auth(String token) throws IOException {
        return send("A", token);
    }

    public String call(String method, String... args) throws IOException {
        String[] lines = new String[args.length + 3];
        lines[0] = "c";
        lines[1] = "t";
        lines[2] = method;
        System.arraycopy(args, 0, lines, 3, args.length);
        String[] all = java.util.Arrays.copyOf(lines, lines.length + 1);
        all[lines.length] = "e";
        return send(all);
    }

    /** True when the server has closed the connection (read returns end of stream). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
