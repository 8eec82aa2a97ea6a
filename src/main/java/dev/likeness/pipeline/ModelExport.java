package dev.likeness.pipeline;

import dev.likeness.engine.weights.DiffusersFolderWriter;
import dev.likeness.engine.weights.SingleFileWriter;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a loaded model's current weights (e.g. after a full fine-tune) in the formats other tools read. */
public final class ModelExport {
    private ModelExport() {}

    /** A diffusers folder with the same layout as published models. */
    public static void diffusersFolder(SdModel model, Path dir) throws IOException {
        ModelConfigs c = model.configs();
        ModelParameters p = model.parameters();
        DiffusersFolderWriter.write(dir, new DiffusersFolderWriter.Components(c.unet(), c.vae(), c.text(),
                c.scheduler(), c.tokenizerDir(), p.unet(), p.vae(), p.textEncoder()));
    }

    /** An original (LDM) single-file .safetensors checkpoint, as A1111 and ComfyUI load. */
    public static void singleFile(SdModel model, Path file) throws IOException {
        ModelParameters p = model.parameters();
        SingleFileWriter.write(file, model.family(), model.unet().config().layersPerBlock(),
                model.textEncoder().config().layers(), p.unet(), p.vae(), p.textEncoder());
    }
}
