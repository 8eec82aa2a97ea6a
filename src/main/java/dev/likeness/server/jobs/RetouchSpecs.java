package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.methods.ConceptApplier;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.ConceptReferences;
import dev.likeness.pipeline.Applied;
import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.pipeline.layoutretouch.RetouchSubject;
import dev.likeness.pipeline.layoutretouch.RetouchSubjects;
import dev.likeness.pipeline.layoutretouch.RetouchSettings;
import dev.likeness.server.api.ApiException;
import dev.likeness.concepts.StoredConcept;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.models.ActiveModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** What the retouch job and the layout-retouch generate mode read alike: the concept, references, stage-2 knobs. */
final class RetouchSpecs {
    static final int MAX_REFERENCES = 16;

    /** The concept applied to the served model for one job, with its references; closing lifts its patches. */
    record RetouchConcept(StableDiffusion sd, RetouchSubject concept, List<BufferedImage> references, Applied patches)
            implements Applied {
        @Override
        public void close() {
            patches.close();
        }
    }

    /** The concepts applied to the served model for one job, each with its references. */
    record RetouchConcepts(StableDiffusion sd, RetouchSubjects subjects, List<List<BufferedImage>> references,
            Applied patches) implements Applied {
        @Override
        public void close() {
            patches.close();
        }
    }

    private RetouchSpecs() {}

    /** The stage-2 knobs: swap, maskedSwap, blend (booleans), swapFrom, swapUntil, maskThreshold (0..1). */
    static RetouchSettings settings(ObjectNode spec) {
        SpecReader r = new SpecReader(spec);
        RetouchSettings d = RetouchSettings.DEFAULTS;
        try {
            return new RetouchSettings(r.bool("swap", d.swap()), r.bool("maskedSwap", d.maskedSwap()),
                    r.bool("blend", d.blend()), d.swapBlocks(), r.number("swapFrom", d.swapFrom(), 0, 1),
                    r.number("swapUntil", d.swapUntil(), 0, 1), d.maskDownscale(),
                    r.number("maskThreshold", d.maskThreshold(), 0, 1), d.maskDilation());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("swapFrom", e.getMessage());
        }
    }

    /** Checks that the concept exists and that the prompt names it by its token. */
    static StoredConcept concept(ObjectNode spec, String field, ServerConcepts concepts, String prompt) {
        return concept(new SpecReader(spec).requiredString(field, 64), field, concepts, prompt);
    }

    /** {@link #concept(ObjectNode, String, ServerConcepts, String)} for a name the caller read. */
    static StoredConcept concept(String name, String field, ServerConcepts concepts, String prompt) {
        StoredConcept concept;
        try {
            concept = concepts.get(name);
        } catch (ApiException e) {
            throw ConceptRefs.refused(e, field);
        }
        if (prompt != null && !RetouchSubject.names(prompt, concept.token())) {
            throw ApiException.badRequest("prompt", "the prompt must name the concept with its token "
                    + concept.token());
        }
        return concept;
    }

    /**
     * Moves the optional {@code references} (upload ids) behind the job's own images, so the job copies them with
     * its inputs, and records their number in {@code referenceImages}.
     */
    static void appendReferences(ObjectNode spec) {
        JsonNode refs = spec.remove("references");
        int n = 0;
        if (refs != null && !refs.isNull()) {
            if (!refs.isArray() || refs.size() > MAX_REFERENCES) {
                throw ApiException.badRequest("references", "references must be an array of at most "
                        + MAX_REFERENCES + " upload ids");
            }
            ArrayNode images = spec.path("images").isArray() ? (ArrayNode) spec.get("images") : spec.putArray("images");
            for (JsonNode id : refs) {
                images.add(id);
            }
            n = refs.size();
        }
        spec.put("referenceImages", n);
    }

    /** Applies the concept to the served model; the references are the job's own, else the concept's. */
    static RetouchConcept apply(ActiveModel model, ServerConcepts concepts, JobContext ctx, String name,
            int firstReference) throws IOException {
        RetouchConcepts all = applyAll(model, concepts, ctx, List.of(name), firstReference);
        return new RetouchConcept(all.sd(), all.subjects().get(0), all.references().get(0), all.patches());
    }

    /**
     * Applies every concept of a job to the served model together; a single concept's references are the job's own,
     * else the concept's; with several, each has its own.
     */
    static RetouchConcepts applyAll(ActiveModel model, ServerConcepts concepts, JobContext ctx, List<String> names,
            int firstReference) throws IOException {
        ImageGenerator generator = model.generator();
        if (!(generator instanceof StableDiffusion sd)) {
            throw new JobFailure("UNSUPPORTED_MODEL", "the loaded model cannot run Layout-and-Retouch");
        }
        Applied patches = sd.model().conceptPatches().forRequest();
        try {
            List<RetouchSubject> subjects = new ArrayList<>();
            List<List<BufferedImage>> refs = new ArrayList<>();
            for (String name : names) {
                Path dir = concepts.directory(name);
                ConceptManifest manifest = ConceptApplier.apply(sd.model(), dir);
                subjects.add(ConceptApplier.retouchSubject(manifest, ctx.spec().path("classWord").asText(null),
                        sd.model()));
                List<BufferedImage> own = new ArrayList<>();
                int n = ctx.spec().path("referenceImages").asInt(0);
                for (Path p : ctx.inputs().subList(firstReference, firstReference + n)) {
                    own.add(ImageIO.read(p.toFile()));
                }
                if (own.isEmpty()) {
                    own.addAll(ConceptReferences.load(dir));
                }
                refs.add(own);
            }
            ctx.cancel().throwIfCancelled();
            return new RetouchConcepts(sd, new RetouchSubjects(subjects), refs, patches);
        } catch (IOException | RuntimeException e) {
            patches.close();
            throw e;
        }
    }

    /**
     * Runs a Layout-and-Retouch call with the applied concept: bad input and concepts it cannot use become job
     * failures with their message, and the concept's patches are lifted afterwards (it applies to this job alone).
     */
    static <T> T run(Applied applied, java.util.function.Supplier<T> call) {
        try (applied) {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new JobFailure("INVALID_INPUT", e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new JobFailure("UNSUPPORTED_CONCEPT", e.getMessage());
        }
    }
}
