package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.Limits;
import dev.likeness.server.models.ActiveModel;
import java.awt.image.BufferedImage;
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
    private final ServerConcepts concepts;
    private final Limits limits;
    private final Map<String, JobRunner> modes;

    public GenerateRunner(ActiveModel model, ServerConcepts concepts, Limits limits) {
        this(model, concepts, limits, Map.of());
    }

    /** @param modes runners for other generation modes, by the spec's {@code mode} (e.g. layout-retouch) */
    public GenerateRunner(ActiveModel model, ServerConcepts concepts, Limits limits, Map<String, JobRunner> modes) {
        this.model = model;
        this.concepts = concepts;
        this.limits = limits;
        this.modes = Map.copyOf(modes);
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        JobRunner mode = mode(spec);
        if (mode != null) {
            return mode.prepare(spec);
        }
        SpecReader r = new SpecReader(spec);
        Long seed = r.optionalLong("seed");
        if (seed == null) {
            spec.put("seed", SEEDS.nextLong() & 0xffffffffL); // fixed now, so a re-run after restart matches
        }
        List<String> names = ConceptRefs.withMentioned(r.strings("concepts", ConceptRefs.MAX_PER_JOB, 64),
                spec.path("prompt").asText("") + " " + spec.path("negativePrompt").asText(""), concepts.list());
        ArrayNode checked = spec.putArray("concepts");
        for (int i = 0; i < names.size(); i++) {
            try {
                checked.add(concepts.get(names.get(i)).name());
            } catch (ApiException e) {
                throw ConceptRefs.refused(e, "concepts[" + i + "]");
            }
        }
        if (spec.path("images").size() > 1) {
            throw ApiException.badRequest("images", "generate takes at most one image (the img2img init image)");
        }
        GenerateSpec.previews(spec);
        request(spec, null); // validates every field
        return spec;
    }

    /** The runner of the spec's mode; null for plain txt2img/img2img. */
    private JobRunner mode(ObjectNode spec) {
        String mode = new SpecReader(spec).string("mode", "txt2img", 32);
        if (mode.equals("txt2img") || mode.equals("img2img")) {
            return null;
        }
        JobRunner runner = modes.get(mode);
        if (runner != null) {
            return runner;
        }
        if (mode.equals(JobKinds.LAYOUT_RETOUCH)) {
            throw new ApiException(503, "NO_RUNNER", "this server cannot run layout-retouch yet: no engine for it is "
                    + "installed in this build");
        }
        throw ApiException.badRequest("mode", "unknown mode '" + mode + "' (txt2img, img2img, layout-retouch)");
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        JobRunner mode = mode(ctx.spec());
        if (mode != null) {
            mode.run(ctx);
            return;
        }
        BufferedImage init = ctx.inputs().isEmpty() ? null : ImageIO.read(ctx.inputs().get(0).toFile());
        ImageGenerator generator = model.generator();
        GenerationRequest request = GenerateSpec.request(ctx.spec(), init, limits, generator.info().nativeSize());
        if (ctx.resumed()) {
            ctx.results().clear();
        }
        ctx.cancel().throwIfCancelled();
        List<GeneratedImage> images = generator.generate(request, ctx.progress(), ctx.cancel(),
                GenerateSpec.previews(ctx.spec()) ? ctx.previews() : PreviewSink.NONE);
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

    private GenerationRequest request(ObjectNode spec, BufferedImage init) {
        return GenerateSpec.request(spec, init, limits);
    }
}
