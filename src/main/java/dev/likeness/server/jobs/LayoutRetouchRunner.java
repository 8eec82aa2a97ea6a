package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.layoutretouch.LayoutRetouch;
import dev.likeness.pipeline.layoutretouch.LayoutRetouchRequest;
import dev.likeness.pipeline.layoutretouch.RetouchSubjects;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.Limits;
import dev.likeness.server.models.ActiveModel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code generate} with {@code "mode": "layout-retouch"}: layouts from the base model and the class prompt for the
 * first {@code layoutSteps} steps, then each of its concepts (up to four, each named in the prompt by its token)
 * retouched in (methods.md §5).
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
        List<String> listed = new ArrayList<>(r.strings("concepts", RetouchSubjects.MAX, 64));
        if (!spec.path("concept").isMissingNode()) {
            String one = r.requiredString("concept", 64);
            if (!listed.isEmpty() && !listed.equals(List.of(one))) {
                throw ApiException.badRequest("concept", "give the subjects either as 'concept' or as 'concepts'");
            }
            listed = List.of(one);
        }
        if (listed.isEmpty()) {
            throw ApiException.badRequest("concepts", "layout-retouch needs the concepts to paint in: 'concepts' "
                    + "(1 to " + RetouchSubjects.MAX + ", each named in the prompt by its token) or 'concept'");
        }
        String prompt = r.requiredString("prompt", limits.maxPromptChars());
        List<String> names = new ArrayList<>();
        java.util.Set<String> tokens = new java.util.HashSet<>();
        for (int i = 0; i < listed.size(); i++) {
            var concept = RetouchSpecs.concept(listed.get(i), "concepts[" + i + "]", concepts, prompt);
            if (!tokens.add(concept.token())) {
                throw ApiException.badRequest("concepts[" + i + "]", "two concepts share the token "
                        + concept.token() + "; each subject needs its own");
            }
            names.add(concept.name());
        }
        if (names.size() > 1 && (spec.hasNonNull("classWord") || spec.hasNonNull("references"))) {
            throw ApiException.badRequest(spec.hasNonNull("classWord") ? "classWord" : "references", "classWord and "
                    + "references go with one concept; with several, each uses its own");
        }
        spec.remove("concept");
        ArrayNode array = spec.putArray("concepts");
        names.forEach(array::add);
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
        List<String> names = names(spec);
        RetouchSpecs.RetouchConcepts applied = RetouchSpecs.applyAll(model, concepts, ctx, names, 0);
        List<LayoutRetouch.Output> outputs = RetouchSpecs.run(applied, () -> new LayoutRetouch(applied.sd())
                .generate(request(spec, applied.sd().info().nativeSize()), applied.subjects(), applied.references(),
                        ctx.progress(), ctx.cancel()));
        for (LayoutRetouch.Output o : outputs) {
            Map<String, Object> meta = new LinkedHashMap<>(o.metadata());
            meta.put("concepts", names);
            meta.put("width", o.image().getWidth());
            meta.put("height", o.image().getHeight());
            ctx.results().add(o.image(), meta);
        }
    }

    /** The job's concepts; a job queued by an older server may name its one concept in 'concept'. */
    private static List<String> names(ObjectNode spec) {
        List<String> out = new ArrayList<>();
        spec.path("concepts").forEach(n -> out.add(n.asText()));
        if (out.isEmpty()) {
            out.add(spec.get("concept").asText());
        }
        return out;
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
