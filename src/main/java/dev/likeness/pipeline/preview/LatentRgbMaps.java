package dev.likeness.pipeline.preview;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.pipeline.SdModel;
import dev.likeness.util.AppDirs;
import dev.likeness.util.AtomicFiles;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Each model's latent→RGB map, fitted from its own VAE at first use and kept in the cache folder
 * ({@code latent-rgb/<VAE fingerprint>.json}), so a model pays for the fit (a few small VAE decodes) once.
 */
public final class LatentRgbMaps {
    private static final Logger LOG = Logger.getLogger(LatentRgbMaps.class.getName());
    private static final LatentRgbMaps SHARED = new LatentRgbMaps(AppDirs.cacheDir().resolve("latent-rgb"));
    private final Path dir;
    private final Map<String, LatentRgbMap> memory = new ConcurrentHashMap<>();

    public LatentRgbMaps(Path dir) {
        this.dir = dir;
    }

    /** The maps in the user's cache folder. */
    public static LatentRgbMaps shared() {
        return SHARED;
    }

    public Path file(String fingerprint) {
        return dir.resolve(fingerprint + ".json");
    }

    /** The model's map: from memory, else the cache file, else fitted now (and written to the cache). */
    public LatentRgbMap forModel(SdModel model) {
        String key = VaeFingerprint.of(model);
        return memory.computeIfAbsent(key, k -> load(model, k));
    }

    private LatentRgbMap load(SdModel model, String key) {
        Path file = file(key);
        if (Files.isRegularFile(file)) {
            try {
                LatentRgbMap map = LatentRgbMap.fromJson(Json.readTree(file).path("map"));
                if (map.channels() == model.vae().config().latentChannels()) {
                    return map;
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.warning("refitting the preview map: " + file + " is unreadable (" + e.getMessage() + ")");
            }
        }
        LatentRgbFit.Result fit = LatentRgbFit.fit(model, LatentRgbFit.Settings.DEFAULT);
        ObjectNode json = fit.toJson();
        json.put("model", model.info().name());
        json.put("vaeFingerprint", key);
        try {
            AtomicFiles.writeString(file, Json.write(json));
        } catch (IOException e) { // a read-only cache only costs a refit next time
            LOG.warning("could not cache the preview map in " + file + ": " + e.getMessage());
        }
        return fit.map();
    }
}
