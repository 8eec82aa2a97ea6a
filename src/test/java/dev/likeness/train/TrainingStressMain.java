package dev.likeness.train;

import ai.djl.ndarray.NDArray;
import dev.likeness.methods.LoopSettings;
import dev.likeness.methods.MethodRegistry;
import dev.likeness.methods.MethodSettings;
import dev.likeness.methods.TrainingRequest;
import dev.likeness.methods.ConceptTrainer;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many short training runs of every method on the tiny SD1 model, in a JVM of its own (started by
 * {@link TrainingCrashStressTest} with {@code -XX:+CheckJNICalls}). Between runs the Java garbage collector runs, so
 * a Java-buffer-backed or scalar tensor that autograd still uses after Java dropped it is freed under libtorch and
 * crashes here instead of sporadically elsewhere. Prints one line per run and "STRESS OK" at the end; exits 3 on a
 * non-finite loss or trainable. Args: runs-per-method steps-per-run [method,method,...].
 */
public final class TrainingStressMain {
    private TrainingStressMain() {}

    /** The methods and the options each needs. */
    static Map<String, Map<String, String>> methods(Path classDir) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        m.put("textual-inversion", Map.of());
        m.put("dreambooth", Map.of("class-images", "2", "class-steps", "1"));
        m.put("dreambooth-lora", Map.of("lora-rank", "4", "class-images", "2", "class-steps", "1"));
        m.put("perfusion", Map.of());
        m.put("palp", Map.of("target-prompt", "a sketch of {} in paris", "lora-rank", "4"));
        return m;
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int steps = Integer.parseInt(args[1]);
        System.setProperty("likeness.cacheDir", Path.of("target", "test-user-cache").toAbsolutePath().toString());
        Path classDir = Files.createTempDirectory("likeness-stress-class");
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            int size = model.unet().config().sampleSize() * model.vaeScale();
            List<ReferenceImage> images = List.of(ReferenceImage.of(TestImages.subject(size, 0), size),
                    ReferenceImage.of(TestImages.subject(size, 1), size));
            List<String> only = args.length > 2 ? List.of(args[2].split(",")) : null;
            for (Map.Entry<String, Map<String, String>> e : methods(classDir).entrySet()) {
                if (only != null && !only.contains(e.getKey())) {
                    continue;
                }
                String method = e.getKey().startsWith("dreambooth") ? "dreambooth" : e.getKey();
                com.fasterxml.jackson.databind.node.ObjectNode given = dev.likeness.util.Json.MAPPER.createObjectNode();
                e.getValue().forEach((k, v) -> given.set(MethodSettings.jsonName(k), MethodSettings.cliValue(v)));
                for (int run = 0; run < runs; run++) {
                    String name = "stress-" + e.getKey() + "-" + run; // a new token each run: the tokenizer keeps them
                    LoopSettings loop = new LoopSettings(steps, null, 1, run % 2 + 1, null, null, null, null, 0);
                    TrainingRequest req = MethodRegistry.standard().request(method, name, List.of(), List.of(),
                            "<" + name + ">", "dog", loop, run, 0, given, classDir);
                    TrainingOptions opts = req.options();
                    try (TrainingMethod tm = ConceptTrainer.create(model, req, images, ProgressListener.NONE,
                            CancelSignal.none())) {
                        TrainingLoop.Result r = new TrainingLoop(tm, opts).run(null, false, "stress",
                                ProgressListener.NONE, CancelSignal.none());
                        System.out.println(e.getKey() + " run " + run + " losses " + r.losses());
                        for (float loss : r.losses()) {
                            check(Float.isFinite(loss), e.getKey() + " run " + run + ": loss " + loss);
                        }
                        for (Map.Entry<String, NDArray> t : tm.trainables().entrySet()) {
                            check(!t.getValue().isInfinite().any().getBoolean() && !t.getValue().isNaN().any().getBoolean(),
                                    e.getKey() + " run " + run + ": trainable " + t.getKey() + " is not finite");
                        }
                    }
                    System.gc(); // frees whatever Java dropped: a tensor autograd still needed crashes now
                }
            }
        }
        System.out.println("STRESS OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("NON-FINITE: " + what);
            System.exit(3);
        }
    }
}
