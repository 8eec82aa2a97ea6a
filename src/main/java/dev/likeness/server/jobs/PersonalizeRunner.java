package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.methods.LoopSettings;
import dev.likeness.methods.MethodRegistry;
import dev.likeness.methods.MethodSettings;
import dev.likeness.methods.SamplePlan;
import dev.likeness.methods.TrainingFeedback;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.ConceptTrainer;
import dev.likeness.util.Json;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.security.SafeName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code personalize}: trains a concept on the active model from the uploaded reference images, checkpointing in the
 * job's folder (so a restarted server resumes it), then publishes it to the concept library.
 */
public final class PersonalizeRunner implements JobRunner {
    private static final int MAX_STEPS = 20_000;
    private final ActiveModel model;
    private final ServerConcepts concepts;

    public PersonalizeRunner(ActiveModel model, ServerConcepts concepts) {
        this.model = model;
        this.concepts = concepts;
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        String method;
        try {
            method = MethodRegistry.standard().find(r.requiredString("method", 32)).id();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("method", e.getMessage());
        }
        spec.put("method", method);
        String name = SafeName.concept("name", r.requiredString("name", 64));
        if (concepts.exists(name)) {
            throw new ApiException(409, "CONCEPT_EXISTS", "a concept named '" + name + "' already exists", "name");
        }
        spec.put("name", name);
        if (spec.path("images").size() < 1) {
            throw ApiException.badRequest("images", "personalize needs at least one reference image");
        }
        r.string("token", null, 64);
        r.string("classWord", null, 64);
        r.integer("steps", 1, 1, MAX_STEPS);
        if (spec.path("seed").isMissingNode()) {
            spec.put("seed", 0);
        }
        if (!spec.path("options").isMissingNode() && !spec.path("options").isObject()) {
            throw ApiException.badRequest("options", "options must be an object");
        }
        samplePlan(spec);
        request(spec, uploads(spec.path("images").size())); // the method validates every field
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        ImageGenerator generator = model.generator();
        if (!(generator instanceof StableDiffusion sd)) {
            throw new JobFailure("UNSUPPORTED_MODEL", "the loaded model cannot be trained");
        }
        TrainingRequest req = request(ctx.spec(), ctx.inputs());
        Path staged = ctx.workDir().resolve("concept");
        dev.likeness.util.FileTrees.deleteTree(staged); // a half-written concept from an interrupted run is rebuilt
        ConceptTrainer.Outcome outcome = ConceptTrainer.run(sd.model(), req, checkpoints(ctx.workDir()),
                ctx.resumed(), staged, ctx.progress(), new TrainingFeedback(ctx.training(), samplePlan(ctx.spec()),
                        ctx.previews()), ctx.cancel());
        concepts.publish(req.name(), staged);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("concept", req.name());
        out.put("token", outcome.concept().token());
        out.put("method", outcome.concept().method());
        out.put("evalLossBefore", outcome.evalLossBefore());
        out.put("evalLossAfter", outcome.evalLossAfter());
        out.put("resumedFromStep", outcome.firstStep());
        ctx.results().setOutput(out);
    }

    /** The request as the CLI builds it: loop fields of {@code options} apart, the rest the method's settings. */
    private TrainingRequest request(ObjectNode spec, java.util.List<Path> images) {
        SpecReader r = new SpecReader(spec);
        ObjectNode settings = spec.path("options").isObject() ? spec.path("options").deepCopy()
                : Json.MAPPER.createObjectNode();
        ObjectNode loopFields = Json.MAPPER.createObjectNode();
        for (String name : LoopSettings.NAMES) {
            if (settings.has(name)) {
                loopFields.set(name, settings.remove(name));
            }
        }
        int steps = r.integer("steps", 1, 1, MAX_STEPS);
        loopFields.put("steps", spec.path("steps").isMissingNode() ? null : steps);
        try {
            LoopSettings loop = Json.MAPPER.treeToValue(loopFields, LoopSettings.class);
            return MethodRegistry.standard().request(spec.get("method").asText(), spec.get("name").asText(), images,
                    java.util.List.of(), spec.path("token").asText(null), spec.path("classWord").asText(null), loop,
                    spec.path("seed").asLong(0), 50, settings, classImageCache());
        } catch (MethodSettings.BadSetting e) {
            throw ApiException.badRequest(e.name() == null ? "options" : "options." + e.name(), e.getMessage());
        } catch (TrainingRequest.InvalidField e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("options", e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("options", "bad loop settings: " + e.getOriginalMessage());
        }
    }

    /**
     * {@code samples} (0-50, default 4), {@code sampleSteps} (1-150, default 20), {@code samplePrompt} (default the
     * method's): the sample images made while training.
     */
    private static SamplePlan samplePlan(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        SamplePlan d = SamplePlan.DEFAULT;
        return new SamplePlan(r.integer("samples", d.count(), 0, SamplePlan.MAX_COUNT),
                r.integer("sampleSteps", d.sampleSteps(), 1, 150), r.string("samplePrompt", null, 1000), d.seed(),
                d.guidance());
    }

    /** The loss history of the personalize job working in {@code workDir}, as it trains. */
    public static Path history(Path workDir) {
        return checkpoints(workDir).resolve(ConceptTrainer.HISTORY);
    }

    private static Path checkpoints(Path workDir) {
        return workDir.resolve("checkpoints");
    }

    /** Stand-ins for the uploads before the job copies them: validation only counts the images. */
    private static java.util.List<Path> uploads(int n) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Path.of("upload-" + i));
        }
        return out;
    }

    /** DreamBooth's class images, cached beside the concept library (in the server's data folder). */
    private Path classImageCache() {
        return concepts.library().root().toAbsolutePath().resolveSibling("class-images");
    }
}
