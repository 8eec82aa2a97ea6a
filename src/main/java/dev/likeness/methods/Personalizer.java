package dev.likeness.methods;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.ConceptReferences;
import dev.likeness.methods.palp.Palp;
import dev.likeness.methods.palp.PalpSetup;
import dev.likeness.methods.perfusion.Perfusion;
import dev.likeness.methods.perfusion.PerfusionSetup;
import dev.likeness.methods.dreambooth.DreamBooth;
import dev.likeness.methods.dreambooth.DreamBoothSetup;
import dev.likeness.methods.textualinversion.TextualInversion;
import dev.likeness.methods.textualinversion.TextualInversionConfig;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingLoop;
import dev.likeness.train.TrainingMethod;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Runs a personalization method end to end: images → training (resumable) → a concept folder. */
public final class Personalizer {
    /** What a finished run reports. */
    public record Outcome(ConceptManifest concept, double evalLossBefore, double evalLossAfter, int firstStep) {}

    private static final long EVAL_SEED = 1_000_003L;

    private Personalizer() {}

    /** A method's default step count, learning rate, AdamW weight decay and gradient-norm clip (0 = off). */
    public record Defaults(int steps, double lr, double weightDecay, double maxGradNorm) {}

    public static Defaults defaults(String method, java.util.Map<String, String> extra) {
        return switch (methodName(method)) {
            case TextualInversion.METHOD -> new Defaults(3000, 5e-3, 0, 0);
            case Perfusion.METHOD -> new Defaults(Perfusion.DEFAULT_STEPS, Perfusion.VALUE_LR, 0, 0);
            case "palp" -> new Defaults(500, 5e-5, 1e-2, 1.0);
            // diffusers' train_dreambooth(_lora) defaults: weight decay 1e-2, clip 1.0
            default -> extra.containsKey("lora-rank") ? new Defaults(800, 1e-4, 1e-2, 1.0)
                    : new Defaults(800, 2e-6, 1e-2, 1.0);
        };
    }

    /** Normalizes method names: "ti" → "textual-inversion". */
    public static String methodName(String method) {
        String m = method == null ? "" : method.toLowerCase(Locale.ROOT);
        return switch (m) {
            case "ti", "textual-inversion", "textual_inversion" -> TextualInversion.METHOD;
            case "dreambooth", "db" -> DreamBooth.METHOD;
            case "perfusion" -> Perfusion.METHOD;
            case "palp" -> "palp";
            default -> throw new IllegalArgumentException("unknown method '" + method
                    + "' (textual-inversion/ti, dreambooth, perfusion)");
        };
    }

    /**
     * @param workDir checkpoints live here (kept until the concept is written)
     * @param outDir  the concept folder to create; must not exist yet
     */
    public static Outcome run(SdModel model, PersonalizeRequest req, Path workDir, boolean resume, Path outDir,
            ProgressListener listener, CancelSignal cancel) throws IOException {
        if (Files.exists(outDir)) {
            throw new IOException("concept already exists: " + outDir);
        }
        int size = model.unet().config().sampleSize() * model.vaeScale();
        List<ReferenceImage> images = new ArrayList<>();
        for (Path p : req.images()) {
            images.add(ReferenceImage.load(p, size));
        }
        try (TrainingMethod method = create(model, req, images, listener, cancel)) {
            double before = method.evalLoss(EVAL_SEED, 2);
            TrainingLoop.Result result = new TrainingLoop(method, req.options())
                    .run(workDir, resume, fingerprint(model, req), listener, cancel);
            double after = method.evalLoss(EVAL_SEED, 2);
            Files.createDirectories(outDir.toAbsolutePath().getParent());
            Path staged = Files.createTempDirectory(outDir.toAbsolutePath().getParent(), "." + outDir.getFileName());
            method.saveConcept(staged, req.name());
            // Layout-and-Retouch paints the (main) subject from them
            int others = methodName(req.method()).equals(Palp.METHOD) ? PalpSetup.secondImages(req, req.images().size()) : 0;
            ConceptReferences.store(staged, req.images().subList(0, req.images().size() - others));
            Files.move(staged, outDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Outcome(ConceptManifest.read(outDir), before, after, result.firstStep());
        }
    }

    /** The method's trainer; DreamBooth first generates (or finds cached) its class images, reporting progress. */
    public static TrainingMethod create(SdModel model, PersonalizeRequest req, List<ReferenceImage> images,
            ProgressListener listener, CancelSignal cancel) throws IOException {
        String method = methodName(req.method());
        if (method.equals(DreamBooth.METHOD)) {
            return DreamBoothSetup.create(model, req, images, listener, cancel);
        }
        if (method.equals(Perfusion.METHOD)) {
            return PerfusionSetup.create(model, req, images);
        }
        if (method.equals(TextualInversion.METHOD)) {
            String init = req.extra("init-word", req.classWord());
            String token = req.token() != null ? req.token() : "<" + req.name() + ">";
            return new TextualInversion(model, new TextualInversionConfig(token, init,
                    Integer.parseInt(req.extra("vectors", "1")), req.extra("templates", "object"),
                    Boolean.parseBoolean(req.extra("flips", "true"))), images);
        }
        if (method.equals(Palp.METHOD)) {
            return PalpSetup.create(model, req, images);
        }
        throw new IllegalArgumentException("method '" + method + "' is not available in this version");
    }

    /** Identifies a run's settings so a checkpoint is only resumed by the same run. */
    static String fingerprint(SdModel model, PersonalizeRequest req) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            JsonNode settings = Json.MAPPER.valueToTree(new Object[] {model.info().path(), req.method(), req.token(),
                    req.classWord(), req.options(), new java.util.TreeMap<>(req.extra())});
            d.update(settings.toString().getBytes(StandardCharsets.UTF_8));
            for (Path p : req.images()) {
                d.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
