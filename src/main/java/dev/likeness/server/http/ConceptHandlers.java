package dev.likeness.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.methods.ConceptTrainer;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.security.SafeName;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The concept library: list, get, rename, delete, export as zip. */
final class ConceptHandlers {
    private final ServerConcepts store;
    private final long maxJson;

    ConceptHandlers(ServerConcepts store, long maxJson) {
        this.store = store;
        this.maxJson = maxJson;
    }

    void list(Context ctx) {
        ctx.json(Map.of("concepts", store.list()));
    }

    void get(Context ctx) {
        ctx.json(store.get(ctx.pathParam("name")));
    }

    /** The concept's loss per training step (and its moving average, learning rate). */
    void training(Context ctx) {
        ctx.json(Map.of("steps", store.trainingHistory(ctx.pathParam("name"))));
    }

    /** The concept's training samples: step and URL of each, in step order. */
    void samples(Context ctx) {
        String name = ctx.pathParam("name");
        List<java.nio.file.Path> files = store.samples(name);
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            out.add(Map.of("index", i, "step", ConceptTrainer.sampleStep(files.get(i)),
                    "url", "/api/v1/concepts/" + name + "/samples/" + i));
        }
        ctx.json(Map.of("samples", out));
    }

    void sample(Context ctx) throws IOException {
        List<java.nio.file.Path> files = store.samples(ctx.pathParam("name"));
        int index;
        try {
            index = Integer.parseInt(ctx.pathParam("index"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("index", "the sample index must be a number");
        }
        if (index < 0 || index >= files.size()) {
            throw new ApiException(404, "NOT_FOUND", "no sample " + index + " (the concept has " + files.size() + ")");
        }
        ctx.contentType("image/png").result(java.nio.file.Files.readAllBytes(files.get(index)));
    }

    void thumbnail(Context ctx) throws IOException {
        ctx.header("Cache-Control", "no-cache").contentType("image/png")
                .result(java.nio.file.Files.readAllBytes(store.thumbnail(ctx.pathParam("name"))));
    }

    void rename(Context ctx) {
        JsonNode body = Bodies.json(ctx, maxJson);
        JsonNode to = body.get("newName");
        if (to == null || !to.isTextual()) {
            throw ApiException.badRequest("newName", "newName is required");
        }
        ctx.json(store.rename(ctx.pathParam("name"), to.asText()));
    }

    void delete(Context ctx) {
        store.delete(ctx.pathParam("name"));
        ctx.status(204);
    }

    void export(Context ctx) throws IOException {
        String name = SafeName.concept("name", ctx.pathParam("name"));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        store.exportZip(name, zip); // built first, so a missing concept is a clean 404 rather than a cut stream
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".zip\"");
        ctx.result(zip.toByteArray());
    }
}
