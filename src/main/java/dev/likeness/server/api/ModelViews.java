package dev.likeness.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.likeness.pipeline.ModelInfo;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Shapes of the model routes. */
public final class ModelViews {
    private ModelViews() {}

    public record Entry(String name, String format, long sizeBytes, boolean selected) {}

    public record Listing(List<Entry> models, String selected) {}

    /** The served model: {@code selected} is a models-folder name or "demo"; {@code info} is null until loaded. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Active(String selected, boolean loaded, ModelInfo info) {}

    public static Listing listing(ModelProvider provider, ActiveModel active, Path modelsDir) {
        try {
            String selected = selectedName(active);
            List<Entry> entries = provider.list(modelsDir).stream()
                    .map(e -> new Entry(e.name(), e.format(), e.sizeBytes(), e.name().equals(selected)))
                    .toList();
            return new Listing(entries, selected);
        } catch (IOException e) {
            throw new ApiException(500, "STORAGE_ERROR", "the models folder could not be read");
        }
    }

    public static Active active(ActiveModel active) {
        ModelInfo info = active.info();
        return new Active(selectedName(active), info != null, info);
    }

    private static String selectedName(ActiveModel active) {
        Path p = active.selected();
        return p == null ? "demo" : p.getFileName().toString();
    }
}
