package dev.likeness.server.py4j;

import dev.likeness.server.config.GatewayLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ServerSocketFactory;
import py4j.CallbackClient;
import py4j.Gateway;
import py4j.GatewayServer;
import py4j.Protocol;
import py4j.Py4JServerConnection;

/**
 * A Py4J {@link GatewayServer} on loopback whose connections are {@link GuardedConnection}s: same wire protocol
 * and Python client ({@code JavaGateway(gateway_parameters=GatewayParameters(port=..., auth_token=...))}), but
 * only the {@link GatewayFacade} methods are reachable. The Python callback server is never used.
 *
 * <p>Each connection must authenticate within a fixed deadline from connect. At most
 * {@link GatewayLimits#maxPendingAuth()} connections may be waiting to authenticate and at most
 * {@link GatewayLimits#maxConnections()} may be open in all; beyond that a connection is answered with an error
 * line and closed at accept, before any thread is started for it.
 */
public final class GuardedGatewayServer extends GatewayServer {
    private static final Logger LOG = Logger.getLogger(GuardedGatewayServer.class.getName());
    private final String token;
    private final FacadeDispatcher dispatcher;
    private final int maxLineBytes;
    private final GatewayLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();

    public GuardedGatewayServer(GatewayFacade facade, InetAddress address, int port, String token, long maxBytesArg,
            GatewayLimits limits) {
        super(new Object(), port, address, 0, (int) limits.authDeadline().toMillis(), List.of(),
                new CallbackClient(0, address), ServerSocketFactory.getDefault());
        this.limits = limits;
        this.token = token;
        this.dispatcher = new FacadeDispatcher(facade);
        // a bytes argument travels base64-encoded on one line: 4/3 of the byte limit plus slack
        this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 16, maxBytesArg * 4 / 3 + 1024);
    }

    @Override
    protected void processSocket(Socket socket) {
        String refusal = null;
        if (open.incrementAndGet() > limits.maxConnections()) {
            refusal = "too many gateway connections (limit " + limits.maxConnections() + ")";
        } else if (pending.incrementAndGet() > limits.maxPendingAuth()) {
            pending.decrementAndGet();
            refusal = "too many connections waiting to authenticate (limit " + limits.maxPendingAuth() + ")";
        }
        if (refusal != null) {
            open.decrementAndGet();
            refuse(socket, refusal);
            return;
        }
        super.processSocket(socket);
    }

    @Override
    protected Py4JServerConnection createConnection(Gateway gateway, Socket socket) throws IOException {
        GuardedConnection[] self = new GuardedConnection[1];
        boolean[] authed = new boolean[1];
        self[0] = new GuardedConnection(socket, token, dispatcher, (int) limits.authDeadline().toMillis(),
                (int) limits.idleTimeout().toMillis(), maxLineBytes, () -> {
                    authed[0] = true;
                    pending.decrementAndGet();
                }, () -> {
                    if (!authed[0]) {
                        pending.decrementAndGet();
                    }
                    open.decrementAndGet();
                    connectionStopped(self[0]);
                });
        Thread t = new Thread(self[0], "likeness-py4j-connection");
        t.setDaemon(true);
        t.start();
        return self[0];
    }

    /** Connections open now (authenticated or not). */
    public int openConnections() {
        return open.get();
    }

    private static void refuse(Socket socket, String why) {
        LOG.warning("py4j connection refused: " + why);
        try (socket) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(Protocol.getOutputErrorCommand("TOO_MANY_CONNECTIONS: " + why).getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // the client is gone already
        }
    }
}
