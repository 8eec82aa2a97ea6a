package dev.likeness.cli;

import dev.likeness.concepts.ConceptLibrary;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.methods.LoopSettings;
import dev.likeness.methods.MethodRegistry;
import dev.likeness.methods.MethodSettings;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.ConceptTrainer;
import dev.likeness.methods.SamplePlan;
import dev.likeness.methods.TrainingFeedback;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.train.TrainingCheckpoint;
import dev.likeness.train.TrainingHistory;
import dev.likeness.train.TrainingObserver;
import dev.likeness.util.Json;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    @Option(names = "--lr-schedule", description = "constant (default), constant_with_warmup or cosine")
    String lrSchedule;

    @Option(names = "--warmup", description = "Warm-up steps of the learning rate (default 0)")
    Integer warmup;

    @Option(names = "--batch", description = "Examples per forward pass (default: the method's; TI 1, Perfusion 4, PALP 4)")
    Integer batch;

    @Option(names = "--grad-accum", description = "Batches per optimizer step (default: TI 4, DreamBooth 1, Perfusion 4, PALP 8)")
    Integer gradAccum;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the training randomness")
    long seed;

    @Option(names = "--vectors", description = "TI: vectors per token (default 1)")
    Integer vectors;

    @Option(names = "--templates", description = "TI, Perfusion: object or style caption templates (default object)")
    String templates;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Any setting of the method by its JSON name "
            + "(as the API's options and GET /api/v1/methods list them), e.g. classImagesPerImage=100")
    List<String> settings = new ArrayList<>();

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

    @Option(names = "--log", paramLabel = "FILE.jsonl",
            description = "Also write the loss history here as it trains, one JSON line per step (step, total, loss, "
                    + "lossAverage, lr); the concept keeps it as training/loss.jsonl either way")
    Path log;

    @Option(names = "--samples", defaultValue = "4", paramLabel = "N",
            description = "Sample images made while training, evenly spaced (0: none), kept in the concept as "
                    + "training/samples/step-NNNNNN.png (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--sample-steps", defaultValue = "20", paramLabel = "N",
            description = "DDIM steps of each sample image (default: ${DEFAULT-VALUE})")
    int sampleSteps;

    @Option(names = "--sample-prompt", paramLabel = "TEXT",
            description = "Prompt of the sample images (default: the method's, e.g. \"a photo of <token>\")")
    String samplePrompt;

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

    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default 100)")
    Integer checkpointEvery;

    @Option(names = "--resume", description = "Continue an interrupted run of the same settings from its checkpoint")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        ConceptLibrary library = ConceptLibrary.open(ConceptsCommand.libraryRoot());
        String out = ConceptNames.withoutFileExtension(this.out);
        boolean isPath = out.contains("/") || out.contains("\\");
        Path target = isPath ? Path.of(out) : library.target(ConceptNames.libraryName(out));
        String name = target.getFileName().toString();
        if (Files.exists(target)) {
            throw new IOException("concept already exists: " + target);
        }
        ObjectNode given = Json.MAPPER.createObjectNode();
        put(given, "initWord", initWord);
        put(given, "vectors", vectors);
        put(given, "templates", templates);
        put(given, "targetPrompt", targetPrompt);
        put(given, "composition", composition ? true : null);
        List<Path> imageFiles = expand(images);
        if (secondSubject != null || secondImages != null || secondPrompt != null) {
            if (secondSubject == null || secondImages == null) {
                throw new IllegalArgumentException("a second subject (PALP) needs both --second-subject TOKEN=CLASS "
                        + "and --second-images");
            }
            String[] tc = secondSubject.split("=", 2);
            if (tc.length != 2 || tc[0].isBlank() || tc[1].isBlank()) {
                throw new IllegalArgumentException("--second-subject takes TOKEN=CLASS, e.g. <v2>=painting");
            }
            List<Path> second = expand(secondImages);
            imageFiles = new ArrayList<>(imageFiles);
            imageFiles.addAll(second);
            put(given, "secondToken", tc[0].strip());
            put(given, "secondClass", tc[1].strip());
            put(given, "secondImages", second.size());
            put(given, "secondPrompt", secondPrompt);
        }
        put(given, "loraRank", loraRank);
        put(given, "loraAlpha", loraAlpha);
        put(given, "priorWeight", priorWeight);
        put(given, "classImages", classImages);
        put(given, "classSteps", classSteps);
        put(given, "trainTextEncoder", trainTextEncoder ? true : null);
        for (String o : settings) {
            int eq = o.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--option takes KEY=VALUE, got '" + o + "'");
            }
            given.set(MethodSettings.jsonName(o.substring(0, eq)), MethodSettings.cliValue(o.substring(eq + 1)));
        }
        String cls = classWord != null ? classWord : initWord;
        LoopSettings loop = new LoopSettings(steps, lr, batch, gradAccum, lrSchedule, warmup, null, null,
                checkpointEvery);
        TrainingRequest req = MethodRegistry.standard().request(method, name, imageFiles, masks, token, cls, loop,
                seed, 100, given, classDir == null ? null : classDir.toAbsolutePath());
        Path work = target.toAbsolutePath().resolveSibling("." + name + ".training");
        SamplePlan plan = new SamplePlan(samples, sampleSteps, samplePrompt, SamplePlan.DEFAULT.seed(),
                SamplePlan.DEFAULT.guidance());
        try (SdModel sd = model.load()) {
            ProgressBar bar = new ProgressBar(System.err);
            TrainingObserver observer = log == null ? TrainingObserver.NONE : TrainingHistory.open(log,
                    resume && TrainingCheckpoint.exists(work) ? TrainingCheckpoint.step(work) : 0);
            ConceptTrainer.Outcome outcome = ConceptTrainer.run(sd, req, work, resume, target, bar,
                    new TrainingFeedback(observer, plan, PreviewSink.NONE), new CancelSignal());
            bar.done();
            dev.likeness.util.FileTrees.deleteTree(work);
            System.err.printf("eval loss %.5f -> %.5f; loss history in %s%n", outcome.evalLossBefore(),
                    outcome.evalLossAfter(), target.resolve(TrainingHistory.CONCEPT_FILE));
            int made = ConceptTrainer.samples(target).size();
            if (made > 0) {
                System.err.println(made + " sample images in " + target.resolve(ConceptTrainer.CONCEPT_SAMPLES));
            }
            System.out.println(target + "  (token " + outcome.concept().token() + describe(outcome.concept()) + ")");
        }
        return 0;
    }

    private static void put(ObjectNode settings, String key, Object value) {
        if (value != null) {
            settings.set(key, Json.MAPPER.valueToTree(value));
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

}
