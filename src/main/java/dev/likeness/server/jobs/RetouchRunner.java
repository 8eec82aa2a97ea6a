package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.layoutretouch.LayoutRetouch;
import dev.likeness.pipeline.layoutretouch.RetouchRequest;
import dev.likeness.pipeline.layoutretouch.RetouchSettings;
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
 * {@code retouch}: paints a concept into a layout in place (Layout-and-Retouch's stage 2 on an existing image).
 * {@code images[0]} is the layout, {@code images[1]} an optional mask (white = change); the result has the layout's
 * size and equals it wherever the mask is black.
 */
public final class RetouchRunner implements JobRunner {
    private static final SecureRandom SEEDS = new SecureRandom();
    private final ActiveModel model;
    private final ServerConcepts concepts;
    private final Limits limits;

    public RetouchRunner(ActiveModel model, ServerConcepts concepts, Limits limits) {
        this.model = model;
        this.concepts = concepts;
        this.limits = limits;
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        int own = spec.path("images").size();
        if (!spec.path("images").isArray() || own < 1 || own > 2) {
            throw ApiException.badRequest("images", "retouch takes images[0], the layout, and optionally images[1], "
                    + "a mask (white = change)");
        }
        spec.put("mask", own == 2);
        String prompt = r.requiredString("prompt", limits.maxPromptChars());
        spec.put("concept", RetouchSpecs.concept(spec, "concept", concepts, prompt).name());
        if (r.optionalLong("seed") == null) {
            spec.put("seed", SEEDS.nextLong() & 0xffffffffL);
        }
        r.string("classWord", null, 64);
        RetouchSpecs.appendReferences(spec);
        fields(spec); // validates every field
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        ObjectNode spec = ctx.spec();
        boolean hasMask = spec.path("mask").asBoolean(false);
        BufferedImage layout = ImageIO.read(ctx.inputs().get(0).toFile());
        BufferedImage mask = hasMask ? ImageIO.read(ctx.inputs().get(1).toFile()) : null;
        if (ctx.resumed()) {
            ctx.results().clear();
        }
        RetouchSpecs.RetouchConcept applied = RetouchSpecs.apply(model, concepts, ctx, spec.get("concept").asText(),
                hasMask ? 2 : 1);
        LayoutRetouch.Output out = RetouchSpecs.run(applied, () -> new LayoutRetouch(applied.sd()).retouch(
                request(spec, layout, mask), applied.concept(), applied.references(), ctx.progress(), ctx.cancel()));
        Map<String, Object> meta = new LinkedHashMap<>(out.metadata());
        meta.put("concept", spec.get("concept").asText());
        meta.put("concepts", List.of(spec.get("concept").asText()));
        meta.put("width", out.image().getWidth());
        meta.put("height", out.image().getHeight());
        ctx.results().add(out.image(), meta);
    }

    /** The spec's fields besides images and concept. */
    private record Fields(String prompt, String negative, long seed, int steps, float guidance, float strength,
            RetouchSettings settings) {}

    private Fields fields(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        return new Fields(r.requiredString("prompt", limits.maxPromptChars()),
                r.string("negativePrompt", "", limits.maxPromptChars()), r.optionalLong("seed"),
                r.integer("steps", 30, 1, 200), r.number("guidance", 7.5f, 0, 30),
                r.number("strength", 0.6f, 0.01f, 1f), RetouchSpecs.settings(spec));
    }

    private RetouchRequest request(ObjectNode spec, BufferedImage layout, BufferedImage mask) {
        Fields f = fields(spec);
        return new RetouchRequest(f.prompt(), f.negative(), f.seed(), f.steps(), f.guidance(), f.strength(), layout,
                mask, f.settings());
    }
}
