package dev.likeness.cli;

import dev.likeness.methods.ConceptApplier;
import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.concepts.ConceptRef;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GeneratedImage;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.pipeline.layoutretouch.LayoutRetouch;
import dev.likeness.pipeline.layoutretouch.LayoutRetouchRequest;
import dev.likeness.pipeline.layoutretouch.RetouchSubjects;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.util.Json;
import dev.likeness.util.PngFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", description = "Generate images (txt2img, img2img with --init-image, or Layout-and-Retouch "
        + "with --mode layout-retouch).")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--prompt", required = true, description = "What to draw")
    String prompt;

    @Option(names = "--negative", defaultValue = "", description = "What to avoid (default: empty)")
    String negative;

    @Option(names = "--seed", description = "Random seed (default: a random one, printed); image k uses seed+k")
    Long seed;

    @Option(names = "--steps", defaultValue = "50", description = "Denoising steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    float guidance;

    @Option(names = "--sampler", description = "ddim, pndm, euler, euler_a, dpmpp_2m or ddpm (default: the model's own)")
    String sampler;

    @Option(names = "--width", description = "Width in pixels, a multiple of 8 (default: the model's native size)")
    Integer width;

    @Option(names = "--height", description = "Height in pixels, a multiple of 8 (default: the model's native size)")
    Integer height;

    @Option(names = "--count", defaultValue = "1", description = "Number of images (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--init-image", paramLabel = "PNG", description = "Start from this image (img2img)")
    Path initImage;

    @Option(names = "--strength", defaultValue = "0.8", description = "img2img: how much to change the init image, 0..1 (default: ${DEFAULT-VALUE})")
    float strength;

    @Option(names = "--concept", paramLabel = "CONCEPT",
            description = "Apply a trained concept (library name, concept folder, or a TI embedding file); repeatable")
    List<String> concepts = new ArrayList<>();

    @Option(names = "--concept-strength", paramLabel = "CONCEPT=BETA[:TAU]",
            description = "Perfusion: the gate bias of a concept for this generation, lower = stronger (default 0.7; "
                    + "tau default 0.15); repeatable")
    Map<String, String> strengths = new LinkedHashMap<>();

    @Option(names = "--global-locking", description = "Perfusion: keys read the prompt with each concept token "
            + "replaced by its class word (richer scenes; pair with a strength of 0.4-0.6)")
    boolean globalLocking;

    @Option(names = "--perfusion-form", defaultValue = "exact",
            description = "Perfusion, several concepts in one prompt: exact or approximate (default: ${DEFAULT-VALUE})")
    String perfusionForm;

    @Option(names = "--mode", defaultValue = "txt2img", paramLabel = "MODE",
            description = "txt2img (img2img with --init-image) or layout-retouch: layouts from the base model, then each --concept (up to 4) retouched in (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--layout-steps", paramLabel = "N",
            description = "layout-retouch: steps drawn by the base model with the class prompt; more = more varied layouts, fewer = more identity (default: 30%% of --steps, 15 of 50)")
    Integer layoutSteps;

    @Option(names = "--retouch-strength", paramLabel = "F",
            description = "layout-retouch: share of the steps stage 2 re-runs (default: from --layout-steps on, at least 0.6)")
    Float retouchStrength;

    @Mixin
    RetouchOptions retouch;

    @Option(names = "--preview", paramLabel = "FILE.png", description = "Rewrite this PNG with a live preview of "
            + "the image as sampling goes (at most 2 a second, 256 px; txt2img and img2img)")
    Path preview;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Output PNG (with --count N: FILE-1.png ... FILE-N.png)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (preview != null) {
            PreviewFile.check(preview, out);
            if (mode.equals("layout-retouch")) {
                throw new IllegalArgumentException("--preview works with txt2img and img2img, not --mode layout-retouch");
            }
        }
        List<String> refs = conceptRefs();
        BufferedImage init = initImage == null ? null : readImage(initImage);
        long baseSeed = seed != null ? seed : new SecureRandom().nextInt(Integer.MAX_VALUE);
        ConceptLibrary library = ConceptLibrary.open(ConceptsCommand.libraryRoot());
        Path fineTuned = fineTunedModel(library);
        try (SdModel m = fineTuned != null ? SdModelLoader.load(fineTuned, null) : model.load()) {
            int native_ = m.unet().config().sampleSize() * m.vaeScale();
            int w = width != null ? width : init != null ? init.getWidth() / 8 * 8 : native_;
            int h = height != null ? height : init != null ? init.getHeight() / 8 * 8 : native_;
            GenerationRequest req = new GenerationRequest(prompt, negative, baseSeed, steps, guidance, sampler, w, h,
                    count, init, strength, refs);
            if (m.info().demo()) {
                System.err.println("note: using the built-in demo model (random weights): images are noise patterns");
            }
            if (mode.equals("layout-retouch")) {
                layoutRetouch(m, req);
                return 0;
            }
            if (!mode.equals("txt2img")) {
                throw new IllegalArgumentException("unknown --mode '" + mode + "' (txt2img, layout-retouch)");
            }
            PreviewSink previews = preview == null ? PreviewSink.NONE : new PreviewFile(preview);
            if (preview != null) {
                System.err.println("preview: " + preview + " (rewritten as sampling goes)");
            }
            ProgressBar bar = new ProgressBar(System.err);
            StableDiffusion sd = new StableDiffusion(m, (model, ref) -> ConceptApplier.apply(model, ref, library::resolve));
            List<GeneratedImage> images = sd.generate(req, bar, new CancelSignal(), previews);
            bar.done();
            for (Path p : write(images)) {
                System.out.println(p);
            }
            if (seed == null) {
                System.err.println("seed: " + baseSeed);
            }
        }
        return 0;
    }

    /** The --concept names with their Perfusion options ({@link ConceptRef}). */
    List<String> conceptRefs() {
        for (String name : strengths.keySet()) {
            if (!concepts.contains(name)) {
                throw new IllegalArgumentException("--concept-strength names " + name + ", which is not given with --concept");
            }
        }
        if (!perfusionForm.equals("exact") && !perfusionForm.equals("approximate")) {
            throw new IllegalArgumentException("--perfusion-form must be exact or approximate");
        }
        List<String> refs = new ArrayList<>();
        for (String name : concepts) {
            Map<String, String> options = new LinkedHashMap<>();
            String s = strengths.get(name);
            if (s != null) {
                String[] parts = s.split(":", 2);
                options.put("beta", number(parts[0], name));
                if (parts.length > 1) {
                    options.put("tau", number(parts[1], name));
                }
            }
            if (globalLocking) {
                options.put("lock", "global");
            }
            if (perfusionForm.equals("approximate")) {
                options.put("form", "approximate");
            }
            refs.add(new ConceptRef(name, options).toString());
        }
        return refs;
    }

    private static String number(String text, String concept) {
        try {
            return Double.toString(Double.parseDouble(text.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--concept-strength " + concept + "=" + text
                    + ": give a number (beta) or beta:tau, e.g. 0.65 or 0.65:0.15");
        }
    }

    /** The model of the one fully fine-tuned DreamBooth concept among --concept, or null if there is none. */
    private Path fineTunedModel(ConceptLibrary library) throws IOException {
        Path found = null;
        for (String name : concepts) {
            java.util.Optional<Path> own = ConceptApplier.fineTunedModel(library.resolve(name));
            if (own.isPresent()) {
                if (found != null) {
                    throw new IOException("two fully fine-tuned DreamBooth concepts cannot be combined: each is a "
                            + "whole model (use LoRA concepts to combine subjects)");
                }
                found = own.get();
            }
        }
        if (found != null) {
            System.err.println("note: generating with the fine-tuned model " + found
                    + (model.model != null ? " instead of --model" : ""));
        }
        return found;
    }

    private void layoutRetouch(SdModel m, GenerationRequest req) throws IOException {
        if (initImage != null) {
            throw new IllegalArgumentException("--mode layout-retouch draws its own layout; to retouch an existing "
                    + "image use 'likeness retouch --image'");
        }
        if (concepts.isEmpty() || concepts.size() > RetouchSubjects.MAX) {
            throw new IllegalArgumentException("--mode layout-retouch takes 1 to " + RetouchSubjects.MAX
                    + " --concept (the subjects, each named in the prompt by its token)");
        }
        try (RetouchOptions.RetouchConcepts applied = retouch.applyAll(m, req.concepts())) {
            layoutRetouch(m, req, applied);
        }
    }

    private void layoutRetouch(SdModel m, GenerationRequest req, RetouchOptions.RetouchConcepts applied)
            throws IOException {
        int lambda = layoutSteps != null ? layoutSteps : Math.round(0.3f * steps);
        GenerationRequest g = new GenerationRequest(req.prompt(), req.negativePrompt(), req.seed(), req.steps(),
                req.guidance(), sampler, req.width(), req.height(), req.count(), null, 1f, List.of());
        LayoutRetouchRequest lr = new LayoutRetouchRequest(g, lambda, retouchStrength, retouch.settings());
        ProgressBar bar = new ProgressBar(System.err);
        List<LayoutRetouch.Output> outputs = new LayoutRetouch(new StableDiffusion(m)).generate(lr,
                applied.subjects(), applied.references(), bar, new CancelSignal());
        bar.done();
        List<GeneratedImage> images = new ArrayList<>();
        for (LayoutRetouch.Output o : outputs) {
            java.util.Map<String, Object> md = new java.util.LinkedHashMap<>(o.metadata());
            md.put("concepts", concepts);
            images.add(new GeneratedImage(o.image(), o.seed(), md));
        }
        for (Path p : write(images)) {
            System.out.println(p);
        }
        if (seed == null) {
            System.err.println("seed: " + req.seed());
        }
    }

    private List<Path> write(List<GeneratedImage> images) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int k = 0; k < images.size(); k++) {
            Path p = images.size() == 1 ? out : numbered(out, k + 1);
            PngFiles.write(p, images.get(k).image(), Json.write(images.get(k).metadata()));
            paths.add(p);
        }
        return paths;
    }

    private static Path numbered(Path file, int k) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".png";
        return file.resolveSibling(stem + "-" + k + ext);
    }

    static BufferedImage readImage(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("no such image: " + path);
        }
        BufferedImage img = ImageIO.read(path.toFile());
        if (img == null) {
            throw new IOException("not a readable image: " + path);
        }
        return img;
    }
}
