package dev.likeness.methods.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.weights.SafetensorsFile;
import dev.likeness.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * LoRA weights in the key formats tools exchange, all {@code .safetensors}:
 * <ul>
 *   <li>diffusers / peft: {@code unet.<module>.lora_A.weight} (A, rank × in) and {@code .lora_B.weight}
 *       (B, out × rank); {@code text_encoder.<module>...} for the text encoder. peft files carry no alpha, so
 *       export folds α/r into B. Likeness's own concept file is this format plus a scalar {@code <module>.alpha}.</li>
 *   <li>kohya / A1111: {@code lora_unet_<module with dots as underscores>.lora_down.weight}, {@code .lora_up.weight}
 *       and {@code .alpha}; {@code lora_te_} for the text encoder.</li>
 * </ul>
 */
public final class LoraFiles {
    /** The two key layouts. */
    public enum Format { DIFFUSERS, KOHYA }

    private static final String KOHYA_UNET = "lora_unet_";
    private static final String KOHYA_TEXT = "lora_te_";

    private LoraFiles() {}

    public static Optional<Format> detect(Set<String> keys) {
        for (String k : keys) {
            if ((k.startsWith(KOHYA_UNET) || k.startsWith(KOHYA_TEXT)) && k.endsWith(".lora_down.weight")) {
                return Optional.of(Format.KOHYA);
            }
            if (k.endsWith(".lora_A.weight")) {
                return Optional.of(Format.DIFFUSERS);
            }
        }
        return Optional.empty();
    }

    /** Whether a .safetensors file holds LoRA weights (by its keys; no data is read). */
    public static boolean isLora(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return detect(f.tensors().keySet()).isPresent();
        }
    }

    /**
     * Reads a LoRA file of either format into float32 arrays of {@code m}.
     *
     * @param knownPaths the model's patchable modules (qualified paths); kohya names are resolved against them
     *                   (their underscores are ambiguous). May be null for diffusers-format files.
     */
    public static LoraWeights read(Path file, Collection<String> knownPaths, NDManager m) throws IOException {
        String name = file.getFileName().toString();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Format format = detect(f.tensors().keySet())
                    .orElseThrow(() -> new IOException(name + ": not a LoRA file (no lora_A/lora_down weights)"));
            Map<String, LoraWeights.Module> modules = new LinkedHashMap<>();
            if (format == Format.KOHYA) {
                readKohya(f, name, knownPaths, m, modules);
            } else {
                readDiffusers(f, name, m, modules);
            }
            return new LoraWeights(modules);
        }
    }

    private static void readDiffusers(SafetensorsFile f, String name, NDManager m,
            Map<String, LoraWeights.Module> out) throws IOException {
        for (String key : f.tensors().keySet()) {
            if (!key.endsWith(".lora_A.weight")) {
                continue;
            }
            String module = key.substring(0, key.length() - ".lora_A.weight".length());
            String upKey = module + ".lora_B.weight";
            if (!f.contains(upKey)) {
                throw new IOException(name + ": " + key + " has no " + upKey);
            }
            NDArray down = f.load(key, m, DataType.FLOAT32);
            NDArray up = f.load(upKey, m, DataType.FLOAT32);
            float alpha = f.contains(module + ".alpha") ? f.load(module + ".alpha", m, DataType.FLOAT32).getFloat()
                    : down.getShape().get(0);
            out.put(qualified(module), new LoraWeights.Module(down, up, alpha));
        }
    }

    /** peft files of a bare UNet or text encoder name modules without the component. */
    private static String qualified(String module) {
        if (module.startsWith(LoraTargets.UNET) || module.startsWith(LoraTargets.TEXT_ENCODER)) {
            return module;
        }
        return (module.startsWith("text_model.") ? LoraTargets.TEXT_ENCODER : LoraTargets.UNET) + module;
    }

    private static void readKohya(SafetensorsFile f, String name, Collection<String> knownPaths, NDManager m,
            Map<String, LoraWeights.Module> out) throws IOException {
        if (knownPaths == null) {
            throw new IOException(name + ": kohya LoRA names can only be read against a model");
        }
        Map<String, String> byKohyaName = new LinkedHashMap<>();
        for (String path : knownPaths) {
            byKohyaName.put(kohyaName(path), path);
        }
        List<String> unknown = new ArrayList<>();
        for (String key : f.tensors().keySet()) {
            if (!key.endsWith(".lora_down.weight")) {
                continue;
            }
            String module = key.substring(0, key.length() - ".lora_down.weight".length());
            String path = byKohyaName.get(module);
            if (path == null) {
                unknown.add(module);
                continue;
            }
            NDArray down = f.load(key, m, DataType.FLOAT32);
            if (down.getShape().dimension() != 2) {
                throw new IOException(name + ": " + key + " is a convolution LoRA; Likeness applies LoRA to "
                        + "attention projections only");
            }
            NDArray up = f.load(module + ".lora_up.weight", m, DataType.FLOAT32);
            float alpha = f.contains(module + ".alpha") ? f.load(module + ".alpha", m, DataType.FLOAT32).getFloat()
                    : down.getShape().get(0);
            out.put(path, new LoraWeights.Module(down, up, alpha));
        }
        if (!unknown.isEmpty()) {
            throw new IOException(name + ": " + unknown.size() + " LoRA module(s) are not attention projections of "
                    + "this model (" + String.join(", ", unknown.subList(0, Math.min(3, unknown.size())))
                    + (unknown.size() > 3 ? ", ..." : "") + ")");
        }
    }

    /** {@code unet.down_blocks.0....to_out.0} → {@code lora_unet_down_blocks_0_..._to_out_0}. */
    public static String kohyaName(String qualifiedPath) {
        if (qualifiedPath.startsWith(LoraTargets.UNET)) {
            return KOHYA_UNET + qualifiedPath.substring(LoraTargets.UNET.length()).replace('.', '_');
        }
        if (qualifiedPath.startsWith(LoraTargets.TEXT_ENCODER)) {
            return KOHYA_TEXT + qualifiedPath.substring(LoraTargets.TEXT_ENCODER.length()).replace('.', '_');
        }
        throw new IllegalArgumentException("not a qualified module path: " + qualifiedPath);
    }

    /** Likeness's concept payload: diffusers keys with each module's alpha kept as a scalar. */
    public static void writeLikeness(Path file, LoraWeights w, Map<String, String> metadata) throws IOException {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            w.modules().forEach((path, mod) -> {
                t.put(path + ".lora_A.weight", mod.down());
                t.put(path + ".lora_B.weight", mod.up());
                t.put(path + ".alpha", mod.down().getManager().create(mod.alpha()));
            });
            SafetensorsWriter.write(file, t, metadata);
        }
    }

    /** diffusers / peft: α/r is folded into B, since peft files assume α = r. */
    public static void writeDiffusers(Path file, LoraWeights w) throws IOException {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            w.modules().forEach((path, mod) -> {
                float scale = mod.alpha() / mod.rank();
                t.put(path + ".lora_A.weight", mod.down());
                t.put(path + ".lora_B.weight", scale == 1f ? mod.up() : Ops.scale(mod.up(), scale));
            });
            SafetensorsWriter.write(file, t, Map.of("format", "pt"));
        }
    }

    /** kohya-ss / A1111 (sd-scripts' networks.lora key names). */
    public static void writeKohya(Path file, LoraWeights w, boolean sd2) throws IOException {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            w.modules().forEach((path, mod) -> {
                String k = kohyaName(path);
                t.put(k + ".lora_down.weight", mod.down());
                t.put(k + ".lora_up.weight", mod.up());
                t.put(k + ".alpha", mod.down().getManager().create(mod.alpha()));
            });
            int rank = w.rank();
            float alpha = w.modules().values().stream().findFirst().map(LoraWeights.Module::alpha).orElse(0f);
            SafetensorsWriter.write(file, t, Map.of("ss_network_module", "networks.lora", "ss_network_dim",
                    Integer.toString(rank), "ss_network_alpha", Float.toString(alpha), "ss_v2", Boolean.toString(sd2)));
        }
    }
}
