package dev.likeness.cli;

import dev.likeness.methods.ConceptApplier;
import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.ConceptRef;
import dev.likeness.concepts.ConceptReferences;
import dev.likeness.pipeline.Applied;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.layoutretouch.RetouchSubject;
import dev.likeness.pipeline.layoutretouch.RetouchSubjects;
import dev.likeness.pipeline.layoutretouch.RetouchSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The knobs of Layout-and-Retouch's stage 2, shared by {@code generate --mode layout-retouch} and {@code retouch}. */
final class RetouchOptions {
    @Option(names = "--reference", paramLabel = "IMAGE",
            description = "Reference image of the subject (PNG alpha = its mask); repeatable (default: the concept's own, else one sampled from its token)")
    List<Path> references = new ArrayList<>();

    @Option(names = "--class-word", paramLabel = "WORD", description = "The subject's class (default: the concept's)")
    String classWord;

    @Option(names = "--no-swap", description = "Do not swap self-attention K/V with the context and references")
    boolean noSwap;

    @Option(names = "--no-masked-swap", description = "Every target query attends to all sources (no foreground/background split)")
    boolean noMaskedSwap;

    @Option(names = "--no-blend", description = "Do not keep the context outside the subject mask")
    boolean noBlend;

    @Option(names = "--swap-layers", split = ",", paramLabel = "BLOCK",
            description = "UNet blocks whose self-attention is swapped, e.g. up_blocks.2,up_blocks.3 (default: the decoder's two highest resolutions)")
    List<String> swapLayers = new ArrayList<>();

    @Option(names = "--swap-from", defaultValue = "0.08", description = "Share of the steps before swapping starts (default: ${DEFAULT-VALUE}, step 4 of 50)")
    float swapFrom;

    @Option(names = "--swap-until", defaultValue = "1.0", description = "Share of the steps where swapping ends (default: ${DEFAULT-VALUE})")
    float swapUntil;

    @Option(names = "--mask-threshold", defaultValue = "0.05", description = "Subject mask: threshold of the normalised cross-attention map (default: ${DEFAULT-VALUE})")
    float maskThreshold;

    @Option(names = "--mask-dilation", defaultValue = "1", description = "Subject mask: latent cells it grows by (default: ${DEFAULT-VALUE})")
    int maskDilation;

    @Option(names = "--mask-downscale", defaultValue = "4", description = "Subject mask: read attention maps at latent size / this (default: ${DEFAULT-VALUE})")
    int maskDownscale;

    RetouchSettings settings() {
        return new RetouchSettings(!noSwap, !noMaskedSwap, !noBlend, swapLayers, swapFrom, swapUntil, maskDownscale,
                maskThreshold, maskDilation);
    }

    /**
     * Applies the concept ({@code name} or a {@link ConceptRef} string with its options) to the model and returns it
     * with its references (given ones first choice); closing the result lifts the concept's patches again.
     */
    RetouchConcept apply(SdModel model, String conceptRef) throws IOException {
        RetouchConcepts all = applyAll(model, List.of(conceptRef));
        return new RetouchConcept(all.subjects().get(0), all.references().get(0), all.patches());
    }

    /**
     * Applies every concept of a layout-retouch generation, each with its own references (its own, else one sampled
     * from its token); {@code --reference} and {@code --class-word} go with a single concept only.
     */
    RetouchConcepts applyAll(SdModel model, List<String> conceptRefs) throws IOException {
        if (conceptRefs.size() > 1 && (!references.isEmpty() || classWord != null)) {
            throw new IllegalArgumentException("--reference and --class-word go with one --concept; with several, "
                    + "each uses its own reference images and class word");
        }
        ConceptLibrary library = ConceptLibrary.open(ConceptsCommand.libraryRoot());
        Applied patches = model.conceptPatches().forRequest();
        try {
            List<RetouchSubject> subjects = new ArrayList<>();
            List<List<BufferedImage>> refs = new ArrayList<>();
            for (String conceptRef : conceptRefs) {
                Path path = library.resolve(ConceptRef.parse(conceptRef).name());
                ConceptManifest manifest = ConceptApplier.apply(model, conceptRef, library::resolve);
                List<BufferedImage> own = new ArrayList<>();
                for (Path p : references) {
                    own.add(GenerateCommand.readImage(p));
                }
                if (own.isEmpty()) {
                    own.addAll(ConceptReferences.load(path));
                }
                subjects.add(ConceptApplier.retouchSubject(manifest, classWord, model));
                refs.add(own);
            }
            return new RetouchConcepts(new RetouchSubjects(subjects), refs, patches);
        } catch (IOException | RuntimeException e) {
            patches.close();
            throw e;
        }
    }

    /** The applied concept and its reference images, applied to the model until closed. */
    record RetouchConcept(RetouchSubject concept, List<BufferedImage> references, Applied patches)
            implements Applied {
        @Override
        public void close() {
            patches.close();
        }
    }

    /** The applied concepts, each with its reference images, applied to the model until closed. */
    record RetouchConcepts(RetouchSubjects subjects, List<List<BufferedImage>> references, Applied patches)
            implements Applied {
        @Override
        public void close() {
            patches.close();
        }
    }
}
