package dev.likeness.engine.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.TrainableMethodCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * torch's fused kernels that DJL has no binding for — scaled_dot_product_attention and native group_norm — reached
 * through a TorchScript module we generate. They match torch's own numerics and run several times faster than the
 * composed versions, which are kept ({@link Attention#scaledDotProduct}, {@link GroupNorm}) as the fallback and
 * the test oracle. Set {@code -Dlikeness.fusedKernels=false} to use the composed versions.
 */
public final class FusedKernels {
    private static final String METHODS = """
              def sdpa(self: __torch__.K, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v)
              def sdpa_mask(self: __torch__.K, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, mask)
              def group_norm(self: __torch__.K, x: Tensor, groups: int, w: Tensor, b: Tensor, eps: float) -> Tensor:
                return torch.group_norm(x, groups, w, b, eps)
            """;
    private static final boolean ENABLED = !"false".equals(System.getProperty("likeness.fusedKernels"));
    private static final Map<Device, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    private static volatile Path archive;

    private FusedKernels() {}

    public static boolean enabled() {
        return ENABLED;
    }

    public static NDArray sdpa(NDArray q, NDArray k, NDArray v, NDArray mask) {
        PtNDManager m = (PtNDManager) q.getManager();
        IValue[] args = mask == null
                ? new IValue[] {iv(q), iv(k), iv(v)}
                : new IValue[] {iv(q), iv(k), iv(v), iv(mask)};
        return call(m, mask == null ? "sdpa" : "sdpa_mask", args);
    }

    public static NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        PtNDManager m = (PtNDManager) x.getManager();
        return call(m, "group_norm", iv(x), IValue.from(groups), iv(weight), iv(bias), IValue.from((double) eps));
    }

    private static IValue iv(NDArray a) {
        return IValue.from((PtNDArray) a);
    }

    /**
     * TorchScript's profiling executor would swap in a re-optimized graph after a few calls, so results would depend
     * on call history (a resumed training run would differ from an uninterrupted one). The setting is per thread.
     */
    private static final ThreadLocal<Boolean> PLAIN_EXECUTOR = ThreadLocal.withInitial(() -> {
        JniUtils.setGraphExecutorOptimize(false);
        return true;
    });

    private static NDArray call(PtNDManager m, String method, IValue... args) {
        PLAIN_EXECUTOR.get();
        PtSymbolBlock block = MODULES.computeIfAbsent(m.getDevice(), d -> load(m));
        boolean grad = JniUtils.isGradMode();
        try (IValue out = TrainableMethodCall.run(block, method, grad, args)) {
            return out.toTensor(m);
        } finally {
            for (IValue a : args) {
                a.close();
            }
        }
    }

    private static PtSymbolBlock load(PtNDManager m) {
        try {
            PtNDManager owner = (PtNDManager) m.getEngine().newBaseManager(m.getDevice());
            return JniUtils.loadModule(owner, archivePath(), true, new String[0], new String[0], false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path archivePath() throws IOException {
        if (archive == null) {
            Path p = Files.createTempFile("likeness-kernels-", ".pt");
            Files.write(p, TorchScriptArchive.build("K", METHODS));
            p.toFile().deleteOnExit();
            archive = p;
        }
        return archive;
    }
}
