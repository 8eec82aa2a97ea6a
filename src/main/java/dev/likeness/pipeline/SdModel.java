package dev.likeness.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.engine.weights.ModelFamily;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loaded Stable Diffusion model: tokenizer, text encoder, UNet, VAE and the scheduler config, with the manager
 * that owns all weights. Closing it frees the weights.
 */
public final class SdModel implements AutoCloseable {
    private final ModelInfo info;
    private final ModelFamily family;
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textEncoder;
    private final UNet2DCondition unet;
    private final AutoencoderKL vae;
    private final JsonNode schedulerConfig;
    private final NDManager manager;
    private final DataType computeType;
    private final ModelParameters parameters;
    private final ConceptTokens conceptTokens;
    private final List<ConditioningHook> conditioningHooks = new CopyOnWriteArrayList<>();
    private final ConceptPatches conceptPatches = new ConceptPatches();
    private final ModelConfigs configs;

    public SdModel(ModelInfo info, ModelFamily family, ClipTokenizer tokenizer, ClipTextModel textEncoder,
            UNet2DCondition unet, AutoencoderKL vae, JsonNode schedulerConfig, NDManager manager,
            DataType computeType, ModelParameters parameters, ModelConfigs configs) {
        this.info = info;
        this.family = family;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.schedulerConfig = schedulerConfig;
        this.manager = manager;
        this.computeType = computeType;
        this.parameters = parameters;
        this.conceptTokens = new ConceptTokens(tokenizer, textEncoder, manager);
        this.configs = configs;
    }

    /** Module patches (LoRA adapters, ...) of the concepts applied for the current request. */
    public ConceptPatches conceptPatches() {
        return conceptPatches;
    }

    /** The component configs and tokenizer folder the model was built from (for writing it out again). */
    public ModelConfigs configs() {
        return configs;
    }

    /** Placeholder tokens of the Textual Inversion concepts applied to this model. */
    public ConceptTokens conceptTokens() {
        return conceptTokens;
    }

    /** Hooks told each generation's prompts and text states before sampling (see {@link ConditioningHook}). */
    public List<ConditioningHook> conditioningHooks() {
        return List.copyOf(conditioningHooks);
    }

    public void addConditioningHook(ConditioningHook hook) {
        conditioningHooks.add(hook);
    }

    /** Every bound weight by diffusers name, per component (training selects its trainables from these). */
    public ModelParameters parameters() {
        return parameters;
    }

    /** The type the networks compute in; latents and scheduler math stay float32. */
    public DataType computeType() {
        return computeType;
    }

    public ModelInfo info() {
        return info;
    }

    public ModelFamily family() {
        return family;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipTextModel textEncoder() {
        return textEncoder;
    }

    public UNet2DCondition unet() {
        return unet;
    }

    public AutoencoderKL vae() {
        return vae;
    }

    public JsonNode schedulerConfig() {
        return schedulerConfig;
    }

    public String predictionType() {
        return schedulerConfig.path("prediction_type").asText("epsilon");
    }

    public NDManager manager() {
        return manager;
    }

    /** Latent downscale factor of the VAE (8 for SD). */
    public int vaeScale() {
        return 1 << (vae.config().blockOutChannels().length - 1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
