package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.config.Limits;
import java.awt.image.BufferedImage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.concepts.ConceptRef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the fields every generation job shares (prompt, seed, steps, size, ...) from a spec. */
final class GenerateSpec {
    private GenerateSpec() {}

    /** Checks every field of a generation spec (400 naming it), before a model is at hand. */
    static GenerationRequest request(ObjectNode spec, BufferedImage init, Limits limits) {
        return request(spec, init, limits, VALIDATION_SIZE);
    }

    /** Whether the spec asks for live previews ({@code "preview": true}; 400 when it is not a boolean). */
    static boolean previews(ObjectNode spec) {
        return new SpecReader(spec).bool("preview", false);
    }

    /** Any valid size: a spec without width/height is checked at this size before its model is known. */
    static final int VALIDATION_SIZE = 512;

    /**
     * The generation a spec asks for; every field is checked (400 naming it). Without width/height it is the
     * init image's size (img2img, rounded down to a multiple of 8) or the model's native size, as in the CLI.
     */
    static GenerationRequest request(ObjectNode spec, BufferedImage init, Limits limits, int nativeSize) {
        SpecReader r = new SpecReader(spec);
        String prompt = r.requiredString("prompt", limits.maxPromptChars());
        String negative = r.string("negativePrompt", "", limits.maxPromptChars());
        long seed = r.optionalLong("seed");
        int steps = r.integer("steps", 30, 1, 200);
        float guidance = r.number("guidance", 7.5f, 0, 30);
        String sampler = r.string("sampler", null, 32);
        int width = r.integer("width", init != null ? Math.max(8, init.getWidth() / 8 * 8) : nativeSize, 8, 2048);
        int height = r.integer("height", init != null ? Math.max(8, init.getHeight() / 8 * 8) : nativeSize, 8, 2048);
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
        List<String> names = conceptRefs(spec, r.strings("concepts", 8, 64));
        try {
            return new GenerationRequest(prompt, negative, seed, steps, guidance, sampler, width, height, count, init,
                    strength, names);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
    }
    /**
     * The concept names with their Perfusion options: {@code conceptStrengths} ({"name": beta}) and
     * {@code globalLocking} (true/false) become {@link ConceptRef} options.
     */
    private static List<String> conceptRefs(ObjectNode spec, List<String> names) {
        JsonNode strengths = spec.path("conceptStrengths");
        if (!strengths.isMissingNode() && !strengths.isNull() && !strengths.isObject()) {
            throw ApiException.badRequest("conceptStrengths", "conceptStrengths must be an object {\"name\": beta}");
        }
        JsonNode global = spec.path("globalLocking");
        if (!global.isMissingNode() && !global.isNull() && !global.isBoolean()) {
            throw ApiException.badRequest("globalLocking", "globalLocking must be true or false");
        }
        for (Iterator<String> it = strengths.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode beta = strengths.get(name);
            if (!names.contains(name)) {
                throw ApiException.badRequest("conceptStrengths." + name, name + " is not in concepts");
            }
            if (!beta.isNumber() || !(beta.asDouble() >= -1 && beta.asDouble() <= 2)) {
                throw ApiException.badRequest("conceptStrengths." + name, "a strength (beta) is a number in [-1, 2]");
            }
        }
        List<String> refs = new ArrayList<>();
        for (String name : names) {
            Map<String, String> options = new LinkedHashMap<>();
            if (strengths.has(name)) {
                options.put("beta", Double.toString(strengths.get(name).asDouble()));
            }
            if (global.asBoolean(false)) {
                options.put("lock", "global");
            }
            refs.add(new ConceptRef(name, options).toString());
        }
        return refs;
    }
}
