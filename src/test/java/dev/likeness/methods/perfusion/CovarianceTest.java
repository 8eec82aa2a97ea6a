package dev.likeness.methods.perfusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.SdModelLoader;
import dev.likeness.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CovarianceTest {
    @TempDir
    Path tmp;

    @Test
    void estimateMatchesAFloat64ReferenceOverPaddedEncodings() throws Exception {
        List<String> captions = CaptionCorpus.defaultCorpus().captions().subList(0, 200);
        try (SdModel model = SdModelLoader.load(Golden.model("sd2"), null); NDManager m = NDManager.newBaseManager()) {
            Covariance c = CovarianceEstimator.estimate(model, captions, "test", ProgressListener.NONE);
            int d = c.dim();
            double[] sum = new double[d * d];
            long n = 0;
            for (String caption : captions) { // every one of the 77 states the rank-one edit acts on, padding too
                long[] ids = model.tokenizer().encode(caption);
                NDArray states = model.textEncoder().forward(m.create(new long[][] {ids}), false).lastHiddenState();
                float[] e = states.get(0).toFloatArray();
                for (int t = 0; t < ids.length; t++, n++) {
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            sum[i * d + j] += (double) e[t * d + i] * e[t * d + j];
                        }
                    }
                }
            }
            assertEquals(77L * captions.size(), n);
            assertEquals(n, c.vectors(), "C covers all 77 positions (927afa0: BOS..EOS only)");
            double trace = 0;
            for (int i = 0; i < d; i++) {
                trace += sum[i * d + i] / n;
            }
            double[] cov = new double[d * d];
            for (int i = 0; i < cov.length; i++) {
                cov[i] = sum[i] / n + (i % (d + 1) == 0 ? 1e-6 * trace / d : 0);
            }
            double[] reference = DenseMath.inverseSpd(cov, d);
            double maxRef = 0;
            double maxErr = 0;
            for (int i = 0; i < reference.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(reference[i]));
                maxErr = Math.max(maxErr, Math.abs(reference[i] - c.inverse()[i]));
            }
            assertTrue(maxErr <= 1e-3 * maxRef, "C⁻¹ differs from the padded reference: " + maxErr + " of " + maxRef);
            double[] col = new double[d];
            col[3] = 1;
            double[] back = DenseMath.multiply(cov, d, DenseMath.multiply(reference, d, col));
            assertEquals(1, back[3], 1e-9, "C·C⁻¹ = I in float64");
            assertEquals(0, back[4], 1e-9);
        }
    }

    /**
     * How the gate σ((s − β)/τ), s(e) = eᵀC⁻¹i* divided by i*ᵀC⁻¹i*, treats style and artist words, with C from the everyday
     * captions only (the first 6,000) and from the widened corpus (8,000 with art styles, media and artists); the
     * concept's i* is the encoding of "teddy". Measured on the tiny random encoder (dim 32): what it shows is the
     * metric's behaviour on words C has and has not seen, not what a trained CLIP does.
     */
    @Test
    void gateOnStyleWordsWithEverydayAndWidenedCorpora() throws Exception {
        List<String> all = CaptionCorpus.defaultCorpus().captions();
        String[] styles = {"a painting in the style of vincent van gogh", "ukiyo-e print of a mountain, hokusai",
            "cyberpunk city at night, art by greg rutkowski", "an art nouveau poster by alphonse mucha",
            "a surrealism painting by salvador dali, trending on artstation"};
        String[] everyday = {"a dog sitting in a park", "two red cars on a busy street at night"};
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); NDManager m = NDManager.newBaseManager()) {
            Covariance narrow = CovarianceEstimator.estimate(model, all.subList(0, 6000), "everyday",
                    ProgressListener.NONE);
            Covariance wide = CovarianceEstimator.estimate(model, all, "widened", ProgressListener.NONE);
            float[] concept = states(model, m, "a photo of a teddy");
            int d = narrow.dim();
            double[] iStar = new double[d];
            for (int i = 0; i < d; i++) {
                iStar[i] = concept[5 * d + i]; // BOS a photo of a teddy: position 5
            }
            double[][] stats = new double[2][];
            int k = 0;
            for (Covariance c : new Covariance[] {narrow, wide}) {
                double[] ci = DenseMath.multiply(c.inverse(), d, iStar);
                double norm = dot(iStar, ci);
                double styleMax = 0;
                double styleMean = 0;
                int n = 0;
                for (String p : styles) {
                    float[] e = states(model, m, p);
                    for (int t = 1; t < 77; t++) {
                        double g = gate(e, t, d, ci, norm);
                        styleMax = Math.max(styleMax, g);
                        styleMean += g;
                        n++;
                    }
                }
                double dailyMax = 0;
                for (String p : everyday) {
                    float[] e = states(model, m, p);
                    for (int t = 1; t < 77; t++) {
                        dailyMax = Math.max(dailyMax, gate(e, t, d, ci, norm));
                    }
                }
                stats[k++] = new double[] {styleMax, styleMean / n, dailyMax};
            }
            System.out.printf("Perfusion gate (beta 0.7, tau 0.15) on style/artist prompts, everyday captions only: "
                    + "max %.3f, mean %.4f (everyday prompts max %.3f); widened corpus: max %.3f, mean %.4f "
                    + "(everyday max %.3f)%n", stats[0][0], stats[0][1], stats[0][2], stats[1][0], stats[1][1],
                    stats[1][2]);
            for (double[] st : stats) {
                for (double v : st) {
                    assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, "gate values are probabilities");
                }
            }
        }
    }

    private static float[] states(SdModel model, NDManager m, String prompt) {
        long[] ids = model.tokenizer().encode(prompt);
        return model.textEncoder().forward(m.create(new long[][] {ids}), false).lastHiddenState().get(0)
                .toFloatArray();
    }

    private static double gate(float[] e, int t, int d, double[] ci, double norm) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += e[t * d + i] * ci[i];
        }
        return 1 / (1 + Math.exp(-((s / norm) - 0.7) / 0.15));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void aFileOfTheOlderBosToEosRuleIsRecomputedNotUsed() throws Exception {
        Path cache = tmp.resolve("stale-cache");
        System.setProperty("likeness.cacheDir", cache.toString());
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null); NDManager m = NDManager.newBaseManager()) {
            String encoder = EncoderFingerprint.of(model);
            Path file = CovarianceStore.cacheFile(encoder);
            Files.createDirectories(file.getParent());
            int d = (int) model.textEncoder().tokenEmbedding().getShape().get(1);
            double[] identity = new double[d * d];
            for (int i = 0; i < d; i++) {
                identity[i * d + i] = 1;
            }
            dev.likeness.engine.weights.SafetensorsWriter.write(file,
                    java.util.Map.of("c_inverse", m.create(identity, new ai.djl.ndarray.types.Shape(d, d))),
                    java.util.Map.of("likeness_perfusion_covariance", "1", "encoder", encoder, "corpus", "old",
                            "captions", "6000", "vectors", "1"));
            org.junit.jupiter.api.Assertions.assertThrows(Covariance.StaleCovarianceException.class,
                    () -> Covariance.read(file));
            Covariance c = CovarianceStore.forModel(model, ProgressListener.NONE);
            assertEquals(8000L * 77, c.vectors(), "recomputed over all 77 positions of the default corpus");
            assertTrue(c.id().endsWith("-" + Covariance.POSITIONS), "concepts of the old C no longer match its id");
            assertEquals(c.vectors(), Covariance.read(file).vectors(), "the stale file was replaced");
        } finally {
            System.clearProperty("likeness.cacheDir");
        }
    }

    @Test
    void keptInTheUserCacheNeverInTheModelsFolder() throws Exception {
        Path cache = tmp.resolve("cache");
        System.setProperty("likeness.cacheDir", cache.toString());
        Path copy = tmp.resolve("model");
        try (Stream<Path> walk = Files.walk(Golden.model("sd1"))) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(Golden.model("sd1").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        copy.toFile().setWritable(true);
        long copyFiles;
        try (Stream<Path> s = Files.walk(copy)) {
            copyFiles = s.count();
        }
        long goldenFiles;
        try (Stream<Path> s = Files.walk(Golden.root())) {
            goldenFiles = s.count();
        }
        String id;
        String encoder;
        try (SdModel model = SdModelLoader.load(copy, null)) {
            Covariance c = CovarianceStore.forModel(model, ProgressListener.NONE);
            encoder = c.encoder();
            assertFalse(Files.exists(copy.resolve(CovarianceStore.LEGACY_FOLDER_FILE)), "not next to the model");
            assertTrue(Files.isRegularFile(CovarianceStore.cacheFile(c.encoder())), "kept in the user cache");
            assertTrue(CovarianceStore.cacheFile(c.encoder()).startsWith(cache));
            assertEquals(8000, c.captions());
            id = c.id();
            Covariance again = CovarianceStore.forModel(model, ProgressListener.NONE);
            assertEquals(id, again.id());
        }
        try (Stream<Path> s = Files.walk(copy)) {
            assertEquals(copyFiles, s.count(), "nothing written into a writable model folder");
        }
        try (SdModel golden = SdModelLoader.load(Golden.model("sd1"), null)) {
            Covariance c = CovarianceStore.forModel(golden, ProgressListener.NONE);
            assertEquals(id, c.id(), "same encoder weights, same cached file");
        }
        try (Stream<Path> s = Files.walk(Golden.root())) {
            assertEquals(goldenFiles, s.count(), "nothing written into the reference data");
        }
        Covariance read = Covariance.read(CovarianceStore.cacheFile(encoder));
        assertEquals(32, read.dim());
        assertEquals(CaptionCorpus.defaultCorpus().sha256(), read.corpus());
    }

    @Test
    void theDefaultCorpusIsLargeVariedAndOurOwn() {
        CaptionCorpus c = CaptionCorpus.defaultCorpus();
        assertEquals(8000, c.captions().size());
        assertEquals(8000, c.captions().stream().distinct().count(), "no duplicates");
        assertTrue(c.captions().stream().filter(x -> x.contains("in the style of")).count() > 400, "styles and artists");
        assertTrue(c.captions().stream().anyMatch(x -> x.contains("ukiyo-e")));
        long words = c.captions().stream().flatMap(s -> Stream.of(s.split(" "))).distinct().count();
        assertTrue(words > 400, "vocabulary of " + words + " words");
    }
}
