package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.AttentionProcessor;
import dev.likeness.engine.nn.BlockBoundary;
import dev.likeness.testing.Golden;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cancel lands inside a sampling step, between UNet blocks, not only between steps (one 512² step on a loaded CPU
 * takes minutes): the cancel is raised by the first attention call of the first step, and the UNet pass stops
 * before its remaining blocks run.
 */
class CancelInsideStepTest {
    @Test
    void cancelStopsTheUNetPassAtTheNextBlock() throws Exception {
        try (SdModel model = SdModelLoader.load(Golden.model("sd1"), null)) {
            Map<String, Attention> layers = model.unet().attentionLayers();
            AtomicInteger calls = new AtomicInteger();
            CancelSignal cancel = new CancelSignal();
            for (Attention a : layers.values()) {
                AttentionProcessor inner = a.processor();
                a.setProcessor((attn, hidden, context, mask) -> {
                    calls.incrementAndGet();
                    cancel.cancel();
                    return inner.process(attn, hidden, context, mask);
                });
            }
            GenerationRequest req = new GenerationRequest("a photo of a dog", "", 1, 5, 7.5f, null, 64, 64, 1, null,
                    0.8f, List.of());
            assertThrows(CancelSignal.CancelledException.class,
                    () -> new StableDiffusion(model).generate(req, ProgressListener.NONE, cancel));
            assertTrue(calls.get() < layers.size(), calls.get() + " of " + layers.size() + " attention layers ran "
                    + "after the cancel: the pass was not stopped between blocks");
            // outside a sampling loop no check is installed: a plain forward is unaffected
            BlockBoundary.check();
            assertTrue(cancel.isCancelled());
        }
    }
}
