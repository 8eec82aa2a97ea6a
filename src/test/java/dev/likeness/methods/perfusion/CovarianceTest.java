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
            for (String caption : captions) { // the whole 77-token encoding, real tokens picked afterwards
                long[] ids = model.tokenizer().encode(caption);
                int end = CovarianceEstimator.endOfText(ids, model.tokenizer().eosId());
                NDArray states = model.textEncoder().forward(m.create(new long[][] {ids}), false).lastHiddenState();
                float[] e = states.get(0).toFloatArray();
                for (int t = 0; t <= end; t++, n++) {
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            sum[i * d + j] += (double) e[t * d + i] * e[t * d + j];
                        }
                    }
                }
            }
            assertEquals(n, c.vectors());
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
            assertEquals(6000, c.captions());
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
        assertEquals(6000, c.captions().size());
        assertEquals(6000, c.captions().stream().distinct().count(), "no duplicates");
        long words = c.captions().stream().flatMap(s -> Stream.of(s.split(" "))).distinct().count();
        assertTrue(words > 400, "vocabulary of " + words + " words");
    }
}
