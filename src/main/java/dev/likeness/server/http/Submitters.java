package dev.likeness.server.http;

import dev.likeness.server.api.ApiException;
import java.util.regex.Pattern;

/**
 * Who submitted a job, from the optional {@code X-Likeness-Submitter} header (the plug-ins send user@host). On a
 * studio queue each submitter's jobs run in the order they were submitted.
 */
final class Submitters {
    static final String HEADER = "X-Likeness-Submitter";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private Submitters() {}

    static String of(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        if (!NAME.matcher(header).matches()) {
            throw ApiException.badRequest(HEADER, HEADER + " must be 1-64 letters, digits or . _ @ + -");
        }
        return header;
    }
}
