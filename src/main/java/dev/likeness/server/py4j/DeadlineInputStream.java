package dev.likeness.server.py4j;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with an optional fixed deadline: each read may block only until the deadline, however the bytes
 * trickle in (a plain read timeout restarts on every byte, which lets a slowloris client hold the connection). With
 * no deadline the socket's own idle timeout applies.
 */
final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private volatile long deadlineNanos;
    private volatile boolean armed;

    DeadlineInputStream(Socket socket, InputStream in) {
        super(in);
        this.socket = socket;
    }

    /** Every read from now on ends at {@code deadlineNanos} ({@link System#nanoTime()} clock). */
    void arm(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        this.armed = true;
    }

    /** Back to the socket's idle timeout {@code idleMillis}. */
    void disarm(int idleMillis) throws IOException {
        armed = false;
        socket.setSoTimeout(idleMillis);
    }

    @Override
    public int read() throws IOException {
        beforeRead();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        beforeRead();
        return super.read(b, off, len);
    }

    private void beforeRead() throws IOException {
        if (!armed) {
            return;
        }
        long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("authentication deadline passed");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
