package dev.likeness.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.weights.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the reference data in ../shared/golden (or $LIKENESS_GOLDEN) and compares arrays against it. Without it
 * the tests that need it are skipped (a fresh clone still builds and passes), except under CI=true, where its
 * absence fails them.
 */
public final class Golden {
    private Golden() {}

    /** Prints where the reference data belongs once per test run, not once per skipped test. */
    private static final class MissingData {
        private static volatile boolean reported;

        static synchronized void reportOnce(String message) {
            if (!reported) {
                reported = true;
                System.err.println("likeness tests: SKIPPING the reference-data tests — " + message);
            }
        }
    }

    public static Path root() {
        String env = System.getenv("LIKENESS_GOLDEN");
        Path p = env != null ? Path.of(env) : Path.of("..", "shared", "golden");
        if (!Files.isDirectory(p)) {
            String message = "reference data not found at " + p.toAbsolutePath().normalize()
                    + ": put the shared golden folder at ../shared/golden beside the checkout (or set LIKENESS_GOLDEN)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI requires it");
            }
            MissingData.reportOnce(message);
            org.junit.jupiter.api.Assumptions.abort(message);
        }
        return p.toAbsolutePath().normalize();
    }

    /** "sd1" or "sd2". */
    public static Path family(String family) {
        return root().resolve(family + "-tiny");
    }

    public static Path model(String family) {
        return family(family).resolve("model");
    }

    public static Path singleFile(String family) {
        return family(family).resolve(family + "-tiny-single-file.safetensors");
    }

    public static Path file(String family, String name) {
        return family(family).resolve("golden").resolve(name);
    }

    public static SafetensorsFile open(String family, String name) {
        try {
            return SafetensorsFile.open(file(family, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float maxAbsDiff(NDArray actual, NDArray expected) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), "shape");
        return actual.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .sub(expected.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)).abs().max().getFloat();
    }

    public static void assertClose(NDArray actual, NDArray expected, double tol, String what) {
        float d = maxAbsDiff(actual, expected);
        assertTrue(d <= tol, what + ": max abs diff " + d + " > " + tol);
    }
}
