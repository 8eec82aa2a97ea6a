package dev.likeness.server.models;

import dev.likeness.pipeline.ImageGenerator;
import dev.likeness.pipeline.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The model jobs run on. Selecting a model is cheap; loading happens on the GPU worker thread the first time a
 * job needs it, so the HTTP side never blocks on multi-GB reads and never swaps a model under a running job.
 */
public final class ActiveModel {
    private final ModelProvider provider;
    private Path selected;
    private Path loadedPath;
    private ImageGenerator generator;
    private volatile ModelInfo info;

    public ActiveModel(ModelProvider provider, Path initialOrNullForDemo) {
        this.provider = provider;
        this.selected = initialOrNullForDemo;
    }

    /** The loaded generator, loading the selected model first if needed. Worker thread only. */
    public synchronized ImageGenerator generator() throws IOException {
        if (generator == null || !same(loadedPath, selected)) {
            close();
            generator = provider.load(selected);
            loadedPath = selected;
            info = generator.info();
        }
        return generator;
    }

    /** Switches to another model (null: the demo model) and loads it. Worker thread only. */
    public synchronized ModelInfo switchTo(Path modelOrNullForDemo) throws IOException {
        selected = modelOrNullForDemo;
        return generator().info();
    }

    /** Info of the loaded model, or null before the first load. */
    public ModelInfo info() {
        return info;
    }

    public synchronized Path selected() {
        return selected;
    }

    public synchronized void close() {
        if (generator != null) {
            generator.close();
            generator = null;
            loadedPath = null;
        }
    }

    private static boolean same(Path a, Path b) {
        return a == null ? b == null : a.equals(b);
    }
}
