package dev.likeness.server.py4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads Py4J protocol lines ('\n'-terminated UTF-8) with a length cap, so a client cannot grow one line forever. */
final class LineReader {
    private final InputStream in;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its terminator, or null at end of stream. */
    String readLine(int maxBytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= maxBytes) {
                throw new IOException("protocol line longer than " + maxBytes + " bytes");
            }
            line.write(b);
        }
    }
}
