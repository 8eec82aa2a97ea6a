package dev.likeness.server.http;

import dev.likeness.server.uploads.UploadStore;
import io.javalin.http.Context;

/** {@code POST /uploads}: a raw {@code image/png} body, checked and stored for use by a job. */
final class UploadHandlers {
    private final UploadStore uploads;
    private final long maxBytes;

    UploadHandlers(UploadStore uploads, long maxBytes) {
        this.uploads = uploads;
        this.maxBytes = maxBytes;
    }

    void upload(Context ctx) {
        ctx.status(201).json(uploads.put(Bodies.png(ctx, maxBytes)));
    }
}
