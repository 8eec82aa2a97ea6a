package dev.likeness.cli;

import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.methods.PersonalizeRequest;
import dev.likeness.methods.Personalizer;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.LrSchedule;
import dev.likeness.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Learn a concept from reference images (Textual Inversion, DreamBooth, Perfusion).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--method", required = true, description = "ti (textual-inversion), dreambooth, perfusion or palp")
    String method;

    @Option(names = "--images", required = true, arity = "1..*", paramLabel = "FILE|DIR",
            description = "Reference images, or folders of them (PNG with transparency gives a subject mask)")
    List<Path> images;

    @Option(names = "--out", required = true, paramLabel = "CONCEPT",
            description = "A concept name (saved in the concept library) or a folder path")
    String out;

    @Option(names = "--token", description = "TI: the placeholder (default: <CONCEPT-NAME>). DreamBooth: the rare "
            + "identifier word, e.g. sks (default: one chosen from --seed); a <placeholder> sets the prompt alias instead")
    String token;

    @Option(names = "--init-word", description = "TI: single-token word the vectors start from (default: --class)")
    String initWord;

    @Option(names = "--class", description = "The subject's class word, e.g. dog (DreamBooth: required; Perfusion locks the concept's key to it)")
    String classWord;

    @Option(names = "--steps", description = "Optimizer steps (default: TI 3000, DreamBooth 800, Perfusion 400)")
    Integer steps;

    @Option(names = "--lr", description = "Learning rate (default: TI 5e-3, DreamBooth 2e-6, DreamBooth LoRA 1e-4, "
            + "Perfusion 0.03 for o*_V with 1/5 of it for the word embedding)")
    Double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant, constant_with_warmup or cosine")
    String lrSchedule;

    @Option(names = "--warmup", defaultValue = "0", description = "Warm-up steps of the learning rate")
    int warmup;

    @Option(names = "--batch", defaultValue = "1", description = "Examples per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--grad-accum", description = "Batches per optimizer step (default: TI 4, DreamBooth 1)")
    Integer gradAccum;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the training randomness")
    long seed;

    @Option(names = "--vectors", defaultValue = "1", description = "TI: vectors per token")
    int vectors;

    @Option(names = "--templates", defaultValue = "object", description = "TI: object or style caption templates")
    String templates;

    @Option(names = "--prompt", description = "PALP: the target prompt to personalize for, with the token or {} in it")
    String targetPrompt;

    @Option(names = "--composition", description = "PALP: the composition preset (teacher CFG 7.5, student 1)")
    boolean composition;

    @Option(names = "--second-subject", paramLabel = "TOKEN=CLASS",
            description = "PALP with two subjects: the second one's placeholder and class word (e.g. <v2>=painting); "
                    + "the --prompt names both tokens")
    String secondSubject;

    @Option(names = "--second-images", arity = "1..*", paramLabel = "FILE|DIR",
            description = "PALP: the second subject's images (or folders of them)")
    List<Path> secondImages;

    @Option(names = "--second-prompt", paramLabel = "TEXT",
            description = "PALP: the second subject's personalization prompt with {} for its token (default \"a photo "
                    + "of {}\"; for an artwork whose style the target borrows, \"an oil painting of {}\")")
    String secondPrompt;

    @Option(names = "--lora-rank", description = "DreamBooth: train LoRA adapters of this rank instead of the full UNet")
    Integer loraRank;

    @Option(names = "--masks", arity = "1..*", paramLabel = "FILE",
            description = "Perfusion: subject mask images (white = subject), one per image in the same order; "
                    + "default: the images' transparency, else no mask")
    List<Path> masks;

    @Option(names = "--lora-alpha", description = "DreamBooth LoRA: alpha (the delta is scaled by alpha/rank; default: the rank)")
    Float loraAlpha;

    @Option(names = "--prior-weight", description = "DreamBooth: weight of the class-prior loss (default 1; 0 = no prior preservation)")
    Float priorWeight;

    @Option(names = "--class-images", description = "DreamBooth: class images generated once and cached (default 200)")
    Integer classImages;

    @Option(names = "--class-steps", description = "DreamBooth: denoising steps per class image (default 50)")
    Integer classSteps;

    @Option(names = "--class-dir", paramLabel = "DIR", description = "DreamBooth: class image cache (default: the user cache folder)")
    Path classDir;

    @Option(names = "--train-text-encoder", description = "DreamBooth (full): also fine-tune the text encoder")
    boolean trainTextEncoder;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Steps between checkpoints")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue an interrupted run of the same settings from its checkpoint")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        ConceptLibrary library = new ConceptLibrary(ConceptsCommand.libraryRoot());
        String out = ConceptNames.withoutFileExtension(this.out);
        boolean isPath = out.contains("/") || out.contains("\\");
        Path target = isPath ? Path.of(out) : library.target(out);
        String name = target.getFileName().toString();
        if (Files.exists(target)) {
            throw new IOException("concept already exists: " + target);
        }
        String m = Personalizer.methodName(method);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("vectors", Integer.toString(vectors));
        extra.put("templates", templates);
        if (initWord != null) {
            extra.put("init-word", initWord);
        }
        if (masks != null) {
            extra.put("masks", String.join(java.io.File.pathSeparator, masks.stream().map(Path::toString).toList()));
        }
        if (targetPrompt != null) {
            extra.put("target-prompt", targetPrompt);
        }
        if (composition) {
            extra.put("composition", "true");
        }
        List<Path> imageFiles = expand(images);
        if (secondSubject != null || secondImages != null || secondPrompt != null) {
            if (!m.equals("palp") || secondSubject == null || secondImages == null) {
                throw new IllegalArgumentException("a second subject is for --method palp and needs both "
                        + "--second-subject TOKEN=CLASS and --second-images");
            }
            String[] tc = secondSubject.split("=", 2);
            if (tc.length != 2 || tc[0].isBlank() || tc[1].isBlank()) {
                throw new IllegalArgumentException("--second-subject takes TOKEN=CLASS, e.g. <v2>=painting");
            }
            List<Path> second = expand(secondImages);
            imageFiles = new ArrayList<>(imageFiles);
            imageFiles.addAll(second);
            extra.put("second-token", tc[0].strip());
            extra.put("second-class", tc[1].strip());
            extra.put("second-images", Integer.toString(second.size()));
            put(extra, "second-prompt", secondPrompt);
        }
        put(extra, "lora-rank", loraRank);
        put(extra, "lora-alpha", loraAlpha);
        put(extra, "prior-weight", priorWeight);
        put(extra, "class-images", classImages);
        put(extra, "class-steps", classSteps);
        put(extra, "class-dir", classDir == null ? null : classDir.toAbsolutePath());
        if (trainTextEncoder) {
            extra.put("train-text-encoder", "true");
        }
        Personalizer.Defaults defaults = Personalizer.defaults(m, extra);
        int n = steps != null ? steps : defaults.steps();
        double rate = lr != null ? lr : defaults.lr();
        int accum = gradAccum != null ? gradAccum : m.equals("textual-inversion") ? 4 : 1;
        TrainingOptions options = new TrainingOptions(n, batch, accum,
                new LrSchedule(lrSchedule.toLowerCase(Locale.ROOT), rate, warmup, n), defaults.weightDecay(),
                defaults.maxGradNorm(), checkpointEvery, seed);
        String cls = classWord != null ? classWord : initWord;
        PersonalizeRequest req = new PersonalizeRequest(m, name, imageFiles, token, cls, options, extra);
        Path work = target.toAbsolutePath().resolveSibling("." + name + ".training");
        try (SdModel sd = model.load()) {
            ProgressBar bar = new ProgressBar(System.err);
            Personalizer.Outcome outcome = Personalizer.run(sd, req, work, resume, target, bar, new CancelSignal());
            bar.done();
            deleteTree(work);
            System.err.printf("eval loss %.5f -> %.5f%n", outcome.evalLossBefore(), outcome.evalLossAfter());
            System.out.println(target + "  (token " + outcome.concept().token() + describe(outcome.concept()) + ")");
        }
        return 0;
    }

    private static void put(Map<String, String> extra, String key, Object value) {
        if (value != null) {
            extra.put(key, value.toString());
        }
    }

    static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|gif)"))
                            .sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IOException("no such image or folder: " + p);
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no images found in " + inputs);
        }
        return files;
    }

    /** DreamBooth concepts also say what their token stands for and how to generate with them. */
    private static String describe(dev.likeness.concepts.ConceptManifest c) {
        if (!c.method().equals("dreambooth")) {
            return "";
        }
        String s = " = \"" + c.details().path("prompt").asText() + "\"";
        return c.details().path("variant").asText().equals("full")
                ? s + "; a fine-tuned model: generate with --concept " + c.name() + " or --model <concept>/model" : s;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
