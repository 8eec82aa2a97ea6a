package dev.likeness.methods.palp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.methods.lora.LoraNetwork;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.pipeline.Noise;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.DiffusionObjective;
import dev.likeness.train.GradMode;
import dev.likeness.train.LatentCache;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "TI + DreamBooth-LoRA", PALP's personalization branch: a new token embedding and LoRA on every attention
 * projection, trained with the plain diffusion loss on "a photo of [V]".
 */
public final class TiLora implements TrainingMethod {
    private static final String PROMPT = "a photo of {}";

    private final SdModel model;
    private final PalpConfig config;
    private final NDManager manager;
    private final NDArray rows;
    private final NDArray otherRows;
    private final LoraNetwork lora;
    private final LatentCache latents;
    private final DiffusionObjective objective;
    private final long[] promptIds;

    /** One forward pass of the personalization branch and everything it drew. */
    public record Forward(NDArray x0, NDArray eps, long[] t, NDArray context, NDArray noisy, NDArray prediction,
            NDArray loss) {}

    public TiLora(SdModel model, PalpConfig config, List<ReferenceImage> images, long seed) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("at least one reference image is needed");
        }
        this.model = model;
        this.config = config;
        this.manager = model.manager().newSubManager();
        ClipTextModel text = model.textEncoder();
        List<Integer> init = model.tokenizer().tokenizeWord(config.classWord());
        if (init.size() != 1) {
            throw new IllegalArgumentException("the class word '" + config.classWord() + "' is " + init.size()
                    + " tokens; the new vectors start from it, so pick a single-token word");
        }
        if (model.tokenizer().tokenId(config.token()).isPresent()) {
            throw new IllegalArgumentException("'" + config.token() + "' is already a token; choose a new placeholder");
        }
        int offset = model.conceptTokens().ensureIds(config.token(), 1).get(0) - text.baseVocabSize();
        long width = text.tokenEmbedding().getShape().get(1);
        NDArray existing = text.addedRows();
        this.otherRows = offset == 0 ? null : existing == null || existing.getShape().get(0) < offset
                ? manager.zeros(new Shape(offset, width)) : existing.get("0:" + offset).duplicate();
        if (otherRows != null) {
            otherRows.attach(manager);
        }
        NDArray r = text.tokenEmbedding().get(init.get(0)).toType(DataType.FLOAT32, true).expandDims(0).duplicate();
        r.attach(manager);
        this.rows = r;
        this.lora = LoraNetwork.create(LoraTargets.unetAttention(model.unet()), config.loraRank(), config.loraRank(),
                seed, manager);
        lora.attach();
        this.latents = new LatentCache(model.vae(), images, config.flips(), manager, model.computeType());
        this.objective = new DiffusionObjective(model.unet(),
                NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())), model.predictionType());
        this.promptIds = model.tokenizer().encode(PROMPT.replace("{}", config.token()));
    }

    public SdModel model() {
        return model;
    }

    public LoraNetwork lora() {
        return lora;
    }

    public NDArray rows() {
        return rows;
    }

    public DiffusionObjective objective() {
        return objective;
    }

    @Override
    public Map<String, NDArray> trainables() {
        Map<String, NDArray> t = new LinkedHashMap<>(lora.trainables());
        t.put("embedding", rows);
        return t;
    }

    /** Draws images, noise and timesteps, and runs the personalized UNet on "a photo of [V]". */
    public Forward forward(TorchGenerator rng, int batchSize) {
        int[] pick = new int[batchSize];
        long[][] ids = new long[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            pick[b] = (int) rng.randint(0, latents.size(), 1)[0];
            ids[b] = promptIds;
        }
        NDManager m = rows.getManager();
        NDArray idArray = m.create(ids);
        NDArray x0 = latents.sample(pick, rng, m);
        NDArray eps = Noise.randn(rng, m, x0.getShape());
        long[] t = rng.randint(0, objective.schedule().numTrainTimesteps(), batchSize);
        ClipTextModel text = model.textEncoder();
        NDArray extra = otherRows == null ? rows : otherRows.concat(rows, 0);
        NDArray context = text.forwardEmbeddings(text.embed(idArray, extra), idArray, false).lastHiddenState();
        NDArray noisy = objective.noisy(x0, eps, t);
        NDArray prediction = objective.predict(noisy, t, context);
        NDArray loss = DiffusionObjective.mse(prediction, objective.target(x0, eps, t));
        return new Forward(x0, eps, t, context, noisy, prediction, loss);
    }

    @Override
    public NDArray loss(TorchGenerator rng, int batchSize) {
        return forward(rng, batchSize).loss();
    }

    @Override
    public double evalLoss(long seed, int batchSize) {
        return GradMode.off(() -> {
            try (NDScope scope = new NDScope()) {
                return (double) loss(new TorchGenerator(seed), batchSize).getFloat();
            }
        });
    }

    /** Saved by {@link Palp}, which owns the concept's description. */
    @Override
    public void saveConcept(Path dir, String name) throws IOException {
        throw new UnsupportedOperationException("TI + LoRA runs as PALP's personalization branch; train --method palp");
    }

    @Override
    public void close() {
        lora.close();
        latents.close();
        manager.close();
    }
}
