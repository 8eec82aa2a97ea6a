package dev.likeness.server.py4j;

import dev.likeness.server.api.ApiException;
import dev.likeness.server.security.Tokens;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import py4j.Protocol;
import py4j.Py4JServerConnection;
import py4j.ReturnObject;
import py4j.StringUtil;

/**
 * One Py4J client connection, speaking the Py4J wire protocol but with a command allowlist instead of Py4J's
 * command set. The first command must be auth ({@code A}) with the token (constant-time compare) within
 * {@code authTimeoutMs} of connecting (a fixed deadline). After that only calls ({@code c}) on the entry point ({@code t}) to a
 * {@link GatewayFacade} method, and no-op memory releases ({@code m}), are served. Reflection ({@code r}),
 * constructors ({@code i}), JVM views ({@code j}), fields, arrays, lists, help, dir, streams and shutdown
 * are refused, and so is any other target object.
 */
final class GuardedConnection implements Runnable, Py4JServerConnection {
    private static final Logger LOG = Logger.getLogger(GuardedConnection.class.getName());
    private static final int MAX_AUTH_LINE = 256;
    private final Socket socket;
    private final String token;
    private final FacadeDispatcher dispatcher;
    private final int authTimeoutMs;
    private final int idleTimeoutMs;
    private final int maxLineBytes;
    private final Runnable onStop;
    private final Runnable onAuthenticated;
    private final long connectedNanos = System.nanoTime();

    GuardedConnection(Socket socket, String token, FacadeDispatcher dispatcher, int authTimeoutMs, int idleTimeoutMs,
            int maxLineBytes, Runnable onAuthenticated, Runnable onStop) {
        this.socket = socket;
        this.token = token;
        this.dispatcher = dispatcher;
        this.authTimeoutMs = authTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.maxLineBytes = maxLineBytes;
        this.onStop = onStop;
        this.onAuthenticated = onAuthenticated;
    }

    @Override
    public void run() {
        try (socket) {
            DeadlineInputStream raw = new DeadlineInputStream(socket, socket.getInputStream());
            raw.arm(connectedNanos + authTimeoutMs * 1_000_000L); // fixed from connect, not reset by each byte
            LineReader in = new LineReader(new BufferedInputStream(raw));
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(),
                    StandardCharsets.UTF_8));
            if (!authenticate(in, out)) {
                return;
            }
            onAuthenticated.run();
            raw.disarm(idleTimeoutMs);
            while (true) {
                String command = in.readLine(16);
                if (command == null || command.equals("q")) {
                    return;
                }
                switch (command) {
                    case "c" -> call(in, out);
                    case "m" -> {
                        skipToEnd(in);
                        reply(out, Protocol.getOutputVoidCommand());
                    }
                    default -> {
                        reply(out, Protocol.getOutputErrorCommand("NOT_ALLOWED: Py4J command '" + command
                                + "' is disabled on this gateway; call the entry point's methods"));
                        return; // the rest of an unknown command cannot be parsed safely
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.fine("py4j connection closed after the read timeout");
        } catch (IOException e) {
            LOG.fine("py4j connection ended: " + e.getMessage());
        } finally {
            onStop.run();
        }
    }

    private boolean authenticate(LineReader in, BufferedWriter out) throws IOException {
        String command = in.readLine(MAX_AUTH_LINE);
        if (!Protocol.AUTH_COMMAND_NAME.equals(command)) {
            reply(out, Protocol.getOutputErrorCommand("Authentication error: authentication required."));
            return false;
        }
        String presented = in.readLine(MAX_AUTH_LINE);
        if (!Tokens.matches(token, presented)) {
            reply(out, Protocol.getOutputErrorCommand("Authentication error: bad auth token received."));
            return false;
        }
        reply(out, Protocol.getOutputVoidCommand());
        return true;
    }

    private void call(LineReader in, BufferedWriter out) throws IOException {
        String target = in.readLine(maxLineBytes);
        String method = in.readLine(maxLineBytes);
        List<String> rawArgs = new ArrayList<>();
        for (String line = in.readLine(maxLineBytes); line != null && !Protocol.isEnd(line);
                line = in.readLine(maxLineBytes)) {
            rawArgs.add(line);
        }
        if (!Protocol.ENTRY_POINT_OBJECT_ID.equals(target)) {
            reply(out, Protocol.getOutputErrorCommand("NOT_ALLOWED: only the entry point can be called"));
            return;
        }
        try {
            Object result = dispatcher.call(method, decode(rawArgs));
            reply(out, Protocol.getOutputCommand(ReturnObject.getPrimitiveReturnObject(result)));
        } catch (ApiException e) {
            reply(out, Protocol.getOutputErrorCommand(e.code() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warning("py4j call " + method + " failed: " + e);
            reply(out, Protocol.getOutputErrorCommand("INTERNAL: internal server error"));
        }
    }

    /** Only plain values: strings, ints, longs, booleans, bytes, null. References to Java objects are refused. */
    private static List<Object> decode(List<String> raw) {
        List<Object> args = new ArrayList<>();
        for (String part : raw) {
            if (part.isEmpty()) {
                throw new ApiException(400, "BAD_ARGUMENTS", "empty argument");
            }
            try {
                args.add(value(part));
            } catch (ApiException e) {
                throw e;
            } catch (RuntimeException e) { // e.g. "i12x" (NumberFormatException) or bad base64 bytes
                throw new ApiException(400, "BAD_ARGUMENTS", "argument " + (args.size() + 1) + " is not a valid "
                        + "value of its type");
            }
        }
        return args;
    }

    private static Object value(String part) {
        char type = part.charAt(0);
        switch (type) {
            case Protocol.STRING_TYPE:
                return StringUtil.unescape(part.substring(1));
            case Protocol.INTEGER_TYPE:
                return Protocol.getInteger(part);
            case Protocol.LONG_TYPE:
                return Protocol.getLong(part);
            case Protocol.BOOLEAN_TYPE:
                return Protocol.getBoolean(part);
            case Protocol.BYTES_TYPE:
                return Protocol.getBytes(part);
            case Protocol.NULL_TYPE:
                return null;
            default:
                throw new ApiException(403, "NOT_ALLOWED", "only strings, numbers and bytes may be passed to the gateway");
        }
    }

    private static void skipToEnd(LineReader in) throws IOException {
        for (String line = in.readLine(256); line != null && !Protocol.isEnd(line); line = in.readLine(256)) {
            // memory commands release Python-side references; this gateway never hands out any
        }
    }

    private static void reply(BufferedWriter out, String message) throws IOException {
        out.write(message);
        out.flush();
    }

    @Override
    public Socket getSocket() {
        return socket;
    }

    @Override
    public void shutdown() {
        shutdown(false);
    }

    @Override
    public void shutdown(boolean reset) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
