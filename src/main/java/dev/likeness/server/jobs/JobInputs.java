package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import dev.likeness.server.uploads.UploadStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A spec's {@code images}: upload ids checked against the limit and taken to their files. */
public final class JobInputs {
    private JobInputs() {}

    public static List<Path> files(ObjectNode spec, UploadStore uploads, Limits limits) {
        JsonNode images = spec.get("images");
        if (images == null || images.isNull()) {
            return List.of();
        }
        if (!images.isArray()) {
            throw ApiException.badRequest("images", "images must be an array of upload ids");
        }
        if (images.size() > limits.maxImagesPerJob()) {
            throw new ApiException(413, "TOO_MANY_IMAGES", "a job may use at most " + limits.maxImagesPerJob()
                    + " images", "images");
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            files.add(uploads.file("images[" + i + "]", images.get(i).asText(null)));
        }
        return files;
    }

}
