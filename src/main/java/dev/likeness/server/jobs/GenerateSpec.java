package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import java.awt.image.BufferedImage;
import java.util.List;

/** Reads the fields every generation job shares (prompt, seed, steps, size, ...) from a spec. */
final class GenerateSpec {
    private GenerateSpec() {}

    /** The generation a spec asks for; every field is checked (400 naming it). */
    static GenerationRequest request(ObjectNode spec, BufferedImage init, Limits limits) {
        SpecReader r = new SpecReader(spec);
        String prompt = r.requiredString("prompt", limits.maxPromptChars());
        String negative = r.string("negativePrompt", "", limits.maxPromptChars());
        long seed = r.optionalLong("seed");
        int steps = r.integer("steps", 30, 1, 200);
        float guidance = r.number("guidance", 7.5f, 0, 30);
        String sampler = r.string("sampler", null, 32);
        int width = r.integer("width", 512, 8, 2048);
        int height = r.integer("height", 512, 8, 2048);
        int count = r.integer("count", 1, 1, 16);
        float strength = r.number("strength", 0.75f, 0.01f, 1f);
        if (sampler != null && !dev.likeness.engine.sched.Schedulers.NAMES.contains(sampler)) {
            throw ApiException.badRequest("sampler", "unknown sampler '" + sampler + "'; valid: "
                    + String.join(", ", dev.likeness.engine.sched.Schedulers.NAMES));
        }
        if (width % 8 != 0) {
            throw ApiException.badRequest("width", "width must be a multiple of 8");
        }
        if (height % 8 != 0) {
            throw ApiException.badRequest("height", "height must be a multiple of 8");
        }
        List<String> names = r.strings("concepts", 8, 64);
        try {
            return new GenerationRequest(prompt, negative, seed, steps, guidance, sampler, width, height, count, init,
                    strength, names);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
    }
}
