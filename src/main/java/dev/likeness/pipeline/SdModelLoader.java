package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.model.clip.ClipConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.VaeConfig;
import dev.likeness.engine.nn.Params;
import dev.likeness.engine.nn.StateDictSource;
import dev.likeness.engine.tokenizer.BuiltInClipBpe;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.engine.weights.CheckpointLoader;
import dev.likeness.engine.weights.FamilyPreset;
import dev.likeness.engine.weights.LoadOptions;
import dev.likeness.engine.weights.LoadedCheckpoint;
import dev.likeness.engine.weights.WeightsFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Loads a diffusers folder or single-file checkpoint into an {@link SdModel}, binding every tensor strictly. */
public final class SdModelLoader {
    private static final Set<String> TOLERATED_TEXT_EXTRAS = Set.of("text_model.embeddings.position_ids");

    private SdModelLoader() {}

    public static SdModel load(Path path, Path configDir) throws IOException {
        return loadWith(path, LoadOptions.withConfig(configDir), DataType.FLOAT32);
    }

    public static SdModel load(Path path, Path configDir, DataType weightType) throws IOException {
        return loadWith(path, LoadOptions.withConfig(configDir), weightType);
    }

    public static SdModel loadWith(Path path, LoadOptions options) throws IOException {
        return loadWith(path, options, DataType.FLOAT32);
    }

    /** Loads with weights (and so computation) in {@code weightType}: FLOAT32, FLOAT16 (GPU) or FLOAT64 (checks). */
    public static SdModel loadWith(Path path, LoadOptions options, DataType weightType) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            LoadedCheckpoint ck = CheckpointLoader.loadWith(path, options, manager, weightType);
            return build(ck, path, manager, weightType);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Builds the model from an already loaded checkpoint whose tensors live in {@code manager}. */
    public static SdModel build(LoadedCheckpoint ck, Path path, NDManager manager, DataType weightType)
            throws IOException {
        try {
            ClipTokenizer tokenizer = ck.tokenizerDir() != null ? ClipTokenizer.load(ck.tokenizerDir())
                    : BuiltInClipBpe.tokenizer(FamilyPreset.of(ck.family(), "epsilon").padToken());
            Map<String, Map<String, NDArray>> params = new LinkedHashMap<>();
            ClipTextModel text = bind("text_encoder", ck.textEncoder(), TOLERATED_TEXT_EXTRAS, params,
                    p -> new ClipTextModel(p, ClipConfig.from(ck.textConfig())));
            UNet2DCondition unet = bind("unet", ck.unet(), Set.of(), params,
                    p -> new UNet2DCondition(p, UNetConfig.from(ck.unetConfig())));
            AutoencoderKL vae = bind("vae", ck.vae(), Set.of(), params,
                    p -> new AutoencoderKL(p, VaeConfig.from(ck.vaeConfig())));
            Map<String, Long> counts = new LinkedHashMap<>();
            params.forEach((c, m) -> counts.put(c, m.values().stream().mapToLong(NDArray::size).sum()));
            boolean demo = Files.isRegularFile(path.resolve(DemoModel.MARKER));
            String name = demo ? "likeness-demo (random weights, for trying the tools only)"
                    : path.getFileName().toString();
            int nativeSize = unet.config().sampleSize() * (1 << (vae.config().blockOutChannels().length - 1));
            ModelInfo info = new ModelInfo(name, path.toAbsolutePath().toString(), ck.format().name().toLowerCase(),
                    ck.family().name().toLowerCase(), ck.schedulerConfig().path("prediction_type").asText("epsilon"),
                    ck.schedulerConfig().path("_class_name").asText(), demo, counts, nativeSize,
                    ck.prediction().rule(), ck.notes());
            return new SdModel(info, ck.family(), tokenizer, text, unet, vae, ck.schedulerConfig(), manager,
                    weightType, new ModelParameters(params.get("text_encoder"), params.get("unet"), params.get("vae")),
                    new ModelConfigs(ck.unetConfig(), ck.vaeConfig(), ck.textConfig(), ck.schedulerConfig(),
                            ck.tokenizerDir()));
        } catch (IllegalArgumentException e) {
            throw new WeightsFormatException(path.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static <T> T bind(String component, Map<String, NDArray> tensors, Set<String> tolerated,
            Map<String, Map<String, NDArray>> params, Function<Params, T> ctor) throws WeightsFormatException {
        StateDictSource src = new StateDictSource(component, tensors);
        T module = ctor.apply(Params.root(src));
        src.verify(tolerated);
        params.put(component, java.util.Collections.unmodifiableMap(src.bound()));
        return module;
    }
}
