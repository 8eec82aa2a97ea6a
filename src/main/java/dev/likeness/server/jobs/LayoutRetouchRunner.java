package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.layoutretouch.LayoutRetouch;
import dev.likeness.pipeline.layoutretouch.LayoutRetouchRequest;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.Limits;
import dev.likeness.server.models.ActiveModel;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code generate} with {@code "mode": "layout-retouch"}: layouts from the base model and the class prompt for the
 * first {@code layoutSteps} steps, then the concept retouched in (methods.md §5).
 */
public final class LayoutRetouchRunner implements JobRunner {
    private static final SecureRandom SEEDS = new SecureRandom();
    private final ActiveModel model;
    private final ServerConcepts concepts;
    private final Limits limits;

    public LayoutRetouchRunner(ActiveModel model, ServerConcepts concepts, Limits limits) {
        this.model = model;
        this.concepts = concepts;
        this.limits = limits;
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        if (r.optionalLong("seed") == null) {
            spec.put("seed", SEEDS.nextLong() & 0xffffffffL);
        }
        if (spec.path("images").size() > 0) {
            throw ApiException.badRequest("images", "layout-retouch draws its own layout and takes no image; "
                    + "retouch an existing image with a retouch job");
        }
        List<String> listed = r.strings("concepts", 8, 64);
        if (spec.path("concept").isMissingNode() && listed.size() == 1) {
            spec.put("concept", listed.get(0));
        } else if (spec.path("concept").isMissingNode()) {
            throw ApiException.badRequest("concept", "layout-retouch needs the concept to paint in: 'concept' (or "
                    + "exactly one entry in 'concepts')");
        }
        String prompt = r.requiredString("prompt", limits.maxPromptChars());
        String name = RetouchSpecs.concept(spec, "concept", concepts, prompt).name();
        if (listed.stream().anyMatch(c -> !c.equals(name))) {
            throw ApiException.badRequest("concepts", "layout-retouch paints one concept, '" + name + "'");
        }
        spec.put("concept", name);
        spec.putArray("concepts").add(name);
        String sampler = r.string("sampler", null, 32);
        if (sampler != null && !sampler.equals("ddim")) {
            throw ApiException.badRequest("sampler", "layout-retouch samples with ddim (stage 2 replays DDIM "
                    + "trajectories)");
        }
        int steps = r.integer("steps", 30, 1, 200);
        spec.put("layoutSteps", r.integer("layoutSteps", Math.round(0.3f * steps), 0, steps));
        r.string("classWord", null, 64);
        RetouchSpecs.appendReferences(spec);
        request(spec, GenerateSpec.VALIDATION_SIZE); // validates every field
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        ObjectNode spec = ctx.spec();
        if (ctx.resumed()) {
            ctx.results().clear();
        }
        String name = spec.get("concept").asText();
        RetouchSpecs.RetouchConcept applied = RetouchSpecs.apply(model, concepts, ctx, name, 0);
        List<LayoutRetouch.Output> outputs = RetouchSpecs.run(applied, () -> new LayoutRetouch(applied.sd())
                .generate(request(spec, applied.sd().info().nativeSize()), applied.concept(), applied.references(), ctx.progress(), ctx.cancel()));
        for (LayoutRetouch.Output o : outputs) {
            Map<String, Object> meta = new LinkedHashMap<>(o.metadata());
            meta.put("concepts", List.of(name));
            meta.put("width", o.image().getWidth());
            meta.put("height", o.image().getHeight());
            ctx.results().add(o.image(), meta);
        }
    }

    private LayoutRetouchRequest request(ObjectNode spec, int nativeSize) {
        SpecReader r = new SpecReader(spec);
        GenerationRequest g = GenerateSpec.request(spec, null, limits, nativeSize);
        Float strength = spec.hasNonNull("retouchStrength") ? r.number("retouchStrength", 1f, 0.01f, 1f) : null;
        try {
            return new LayoutRetouchRequest(g, spec.get("layoutSteps").asInt(), strength,
                    RetouchSpecs.settings(spec));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
    }
}
