package dev.likeness.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.api.ApiJson;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies, read with a hard byte limit whether or not a Content-Length was sent (chunked bodies are
 * counted as they arrive); JSON goes through {@link ApiJson}.
 */
final class Bodies {
    private Bodies() {}

    static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 1024), limit));
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > limit) {
                    throw tooLarge(limit);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(400, "BAD_BODY", "the request body could not be read");
        }
    }

    static JsonNode json(Context ctx, long limit) {
        requireType(ctx, "application/json");
        return ApiJson.parse(read(ctx, limit));
    }

    static byte[] png(Context ctx, long limit) {
        requireType(ctx, "image/png");
        return read(ctx, limit);
    }

    private static void requireType(Context ctx, String type) {
        if (!RequestGuard.mediaType(ctx.header("Content-Type")).equals(type)) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "this route takes Content-Type: " + type);
        }
    }

    private static ApiException tooLarge(long limit) {
        return ApiException.tooLarge("PAYLOAD_TOO_LARGE", "the request body is larger than " + limit + " bytes");
    }
}
