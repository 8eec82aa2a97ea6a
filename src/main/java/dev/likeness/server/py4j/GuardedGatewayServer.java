package dev.likeness.server.py4j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import py4j.CallbackClient;
import py4j.Gateway;
import py4j.GatewayServer;
import py4j.Py4JServerConnection;

/**
 * A Py4J {@link GatewayServer} on loopback whose connections are {@link GuardedConnection}s: same wire protocol
 * and Python client ({@code JavaGateway(gateway_parameters=GatewayParameters(port=..., auth_token=...))}), but
 * only the {@link GatewayFacade} methods are reachable. The Python callback server is never used.
 */
public final class GuardedGatewayServer extends GatewayServer {
    static final int AUTH_TIMEOUT_MS = (int) TimeUnit.SECONDS.toMillis(10);
    static final int IDLE_TIMEOUT_MS = (int) TimeUnit.MINUTES.toMillis(10);
    private final String token;
    private final FacadeDispatcher dispatcher;
    private final int maxLineBytes;
    private final int authTimeoutMs;
    private final int idleTimeoutMs;

    public GuardedGatewayServer(GatewayFacade facade, InetAddress address, int port, String token, long maxBytesArg) {
        this(facade, address, port, token, maxBytesArg, AUTH_TIMEOUT_MS, IDLE_TIMEOUT_MS);
    }

    GuardedGatewayServer(GatewayFacade facade, InetAddress address, int port, String token, long maxBytesArg,
            int authTimeoutMs, int idleTimeoutMs) {
        super(new Object(), port, address, 0, authTimeoutMs, List.of(),
                new CallbackClient(0, address), ServerSocketFactory.getDefault());
        this.authTimeoutMs = authTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.token = token;
        this.dispatcher = new FacadeDispatcher(facade);
        // a bytes argument travels base64-encoded on one line: 4/3 of the byte limit plus slack
        this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 16, maxBytesArg * 4 / 3 + 1024);
    }

    @Override
    protected Py4JServerConnection createConnection(Gateway gateway, Socket socket) throws IOException {
        GuardedConnection[] self = new GuardedConnection[1];
        self[0] = new GuardedConnection(socket, token, dispatcher, authTimeoutMs, idleTimeoutMs, maxLineBytes,
                () -> connectionStopped(self[0]));
        Thread t = new Thread(self[0], "likeness-py4j-connection");
        t.setDaemon(true);
        t.start();
        return self[0];
    }
}
