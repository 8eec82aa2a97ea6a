package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.concepts.ConceptRef;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ConceptStore;
import dev.likeness.server.config.Limits;
import dev.likeness.server.models.ActiveModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * txt2img / img2img: {@code images[0]}, when given, is the init image. Results are stored as PNG with
 * metadata (prompt, seed, sampler, steps, concepts, ...).
 */
public final class GenerateRunner implements JobRunner {
    private static final SecureRandom SEEDS = new SecureRandom();
    private final ActiveModel model;
    private final ConceptStore concepts;
    private final Limits limits;

    public GenerateRunner(ActiveModel model, ConceptStore concepts, Limits limits) {
        this.model = model;
        this.concepts = concepts;
        this.limits = limits;
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        Long seed = r.optionalLong("seed");
        if (seed == null) {
            spec.put("seed", SEEDS.nextLong() & 0xffffffffL); // fixed now, so a re-run after restart matches
        }
        List<String> names = r.strings("concepts", 8, 64);
        ArrayNode checked = spec.putArray("concepts");
        for (int i = 0; i < names.size(); i++) {
            try {
                checked.add(concepts.get(names.get(i)).name());
            } catch (ApiException e) {
                throw new ApiException(400, "UNKNOWN_CONCEPT", e.getMessage(), "concepts[" + i + "]");
            }
        }
        if (spec.path("images").size() > 1) {
            throw ApiException.badRequest("images", "generate takes at most one image (the img2img init image)");
        }
        request(spec, null); // validates every field
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws IOException {
        BufferedImage init = ctx.inputs().isEmpty() ? null : ImageIO.read(ctx.inputs().get(0).toFile());
        GenerationRequest request = request(ctx.spec(), init);
        if (ctx.resumed()) {
            ctx.results().clear();
        }
        ImageGenerator generator = model.generator();
        ctx.cancel().throwIfCancelled();
        List<GeneratedImage> images = generator.generate(request, ctx.progress(), ctx.cancel());
        ModelInfo info = generator.info();
        for (GeneratedImage image : images) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("prompt", request.prompt());
            meta.put("negativePrompt", request.negativePrompt());
            meta.put("seed", image.seed());
            meta.put("sampler", request.sampler() != null ? request.sampler() : info.scheduler());
            meta.put("steps", request.steps());
            meta.put("guidance", request.guidance());
            meta.put("width", image.image().getWidth());
            meta.put("height", image.image().getHeight());
            meta.put("concepts", request.concepts());
            meta.put("mode", init == null ? "txt2img" : "img2img");
            if (init != null) {
                meta.put("strength", request.strength());
            }
            meta.put("model", info.name());
            meta.putAll(image.metadata());
            ctx.results().add(image.image(), meta);
        }
    }

    /**
     * The concept names with their Perfusion options: {@code conceptStrengths} ({"name": beta}) and
     * {@code globalLocking} (true/false) become {@link ConceptRef} options.
     */
    private static List<String> conceptRefs(ObjectNode spec, List<String> names) {
        com.fasterxml.jackson.databind.JsonNode strengths = spec.path("conceptStrengths");
        if (!strengths.isMissingNode() && !strengths.isNull() && !strengths.isObject()) {
            throw ApiException.badRequest("conceptStrengths", "conceptStrengths must be an object {\"name\": beta}");
        }
        com.fasterxml.jackson.databind.JsonNode global = spec.path("globalLocking");
        if (!global.isMissingNode() && !global.isNull() && !global.isBoolean()) {
            throw ApiException.badRequest("globalLocking", "globalLocking must be true or false");
        }
        for (java.util.Iterator<String> it = strengths.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            com.fasterxml.jackson.databind.JsonNode beta = strengths.get(name);
            if (!names.contains(name)) {
                throw ApiException.badRequest("conceptStrengths." + name, name + " is not in concepts");
            }
            if (!beta.isNumber() || !(beta.asDouble() >= -1 && beta.asDouble() <= 2)) {
                throw ApiException.badRequest("conceptStrengths." + name, "a strength (beta) is a number in [-1, 2]");
            }
        }
        List<String> refs = new java.util.ArrayList<>();
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

    private GenerationRequest request(ObjectNode spec, BufferedImage init) {
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
        List<String> names = conceptRefs(spec, r.strings("concepts", 8, 64));
        try {
            return new GenerationRequest(prompt, negative, seed, steps, guidance, sampler, width, height, count, init,
                    strength, names);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
    }
}
