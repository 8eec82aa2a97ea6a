package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.methods.PersonalizeRequest;
import dev.likeness.methods.Personalizer;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.concepts.ConceptStore;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.security.SafeName;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code personalize}: trains a concept on the active model from the uploaded reference images, checkpointing in the
 * job's folder (so a restarted server resumes it), then publishes it to the concept library.
 */
public final class PersonalizeRunner implements JobRunner {
    private static final int MAX_STEPS = 20_000;
    private final ActiveModel model;
    private final ConceptStore concepts;

    public PersonalizeRunner(ActiveModel model, ConceptStore concepts) {
        this.model = model;
        this.concepts = concepts;
    }

    @Override
    public ObjectNode prepare(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        String method;
        try {
            method = Personalizer.methodName(r.requiredString("method", 32));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("method", e.getMessage());
        }
        spec.put("method", method);
        String name = SafeName.concept("name", r.requiredString("name", 64));
        if (Files.exists(SafeName.resolveUnder(concepts.root(), name))) {
            throw new ApiException(409, "CONCEPT_EXISTS", "a concept named '" + name + "' already exists", "name");
        }
        spec.put("name", name);
        if (spec.path("images").size() < 1) {
            throw ApiException.badRequest("images", "personalize needs at least one reference image");
        }
        r.string("token", null, 64);
        String classWord = r.string("classWord", null, 64);
        if (method.equals("perfusion") && (classWord == null || classWord.isBlank())) {
            throw ApiException.badRequest("classWord", "Perfusion needs the subject's class word (e.g. teddy)");
        }
        r.integer("steps", 1, 1, MAX_STEPS);
        if (spec.path("seed").isMissingNode()) {
            spec.put("seed", 0);
        }
        if (!spec.path("options").isMissingNode() && !spec.path("options").isObject()) {
            throw ApiException.badRequest("options", "options must be an object");
        }
        JsonNode second = spec.path("options").path("secondImages");
        if (!second.isMissingNode()) {
            int images = spec.path("images").size();
            if (!method.equals("palp") || !second.canConvertToInt() || second.asInt() < 0 || second.asInt() >= images) {
                throw ApiException.badRequest("options.secondImages", "secondImages (PALP) is how many of the images,"
                        + " at the end, show the second subject: 0 to " + (images - 1));
            }
            if (second.asInt() > 0 && (spec.path("options").path("secondToken").asText("").isBlank()
                    || spec.path("options").path("secondClass").asText("").isBlank())) {
                throw ApiException.badRequest("options.secondToken", "a second subject needs secondToken and "
                        + "secondClass");
            }
        }
        request(spec, java.util.List.of()); // validates every field
        return spec;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        ImageGenerator generator = model.generator();
        if (!(generator instanceof StableDiffusion sd)) {
            throw new JobFailure("UNSUPPORTED_MODEL", "the loaded model cannot be trained");
        }
        PersonalizeRequest req = request(ctx.spec(), ctx.inputs());
        Path staged = ctx.workDir().resolve("concept");
        deleteTree(staged); // a half-written concept from an interrupted run is rebuilt
        Personalizer.Outcome outcome = Personalizer.run(sd.model(), req, ctx.workDir().resolve("checkpoints"),
                ctx.resumed(), staged, ctx.progress(), ctx.cancel());
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

    private PersonalizeRequest request(ObjectNode spec, java.util.List<Path> images) {
        SpecReader r = new SpecReader(spec);
        String method = spec.get("method").asText();
        JsonNode o = spec.path("options");
        Map<String, String> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw ApiException.badRequest("options." + e.getKey(), "option values must be strings or numbers");
            }
            extra.put(kebab(e.getKey()), e.getValue().asText());
        }
        if (extra.containsKey("masks")) { // file paths on the server: masks come from the uploads' alpha instead
            throw ApiException.badRequest("options.masks", "masks come from the uploaded images' alpha channel");
        }
        if (extra.containsKey("class-dir")) {
            throw ApiException.badRequest("options.classDir", "the class image cache is chosen by the server");
        }
        Personalizer.Defaults d = Personalizer.defaults(method, extra);
        int steps = r.integer("steps", d.steps(), 1, MAX_STEPS);
        try {
            double lr = o.path("lr").asDouble(d.lr());
            TrainingOptions options = new TrainingOptions(steps, o.path("batch").asInt(1),
                    o.path("gradAccum").asInt(1), new LrSchedule(o.path("lrSchedule").asText("constant"), lr,
                    o.path("warmup").asInt(0), steps), o.path("weightDecay").asDouble(d.weightDecay()),
                    o.path("maxGradNorm").asDouble(d.maxGradNorm()), o.path("checkpointEvery").asInt(50),
                    spec.path("seed").asLong(0));
            String classWord = spec.path("classWord").asText(null);
            extra.put("class-dir", classImageCache().toString());
            return new PersonalizeRequest(method, spec.get("name").asText(), images, spec.path("token").asText(null),
                    classWord, options, extra);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("options", e.getMessage());
        }
    }

    /** DreamBooth's class images, cached beside the concept library (in the server's data folder). */
    private Path classImageCache() {
        return concepts.root().toAbsolutePath().resolveSibling("class-images");
    }

    /** Option names from JSON (initWord) to the method's settings (init-word). */
    private static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
