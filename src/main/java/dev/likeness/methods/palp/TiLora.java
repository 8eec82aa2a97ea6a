package dev.likeness.methods.palp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.methods.lora.LoraNetwork;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.DiffusionObjective;
import dev.likeness.train.LatentCache;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "TI + DreamBooth-LoRA", PALP's personalization branch: a new token embedding per subject and LoRA on every attention
 * projection, trained with the plain diffusion loss on each subject's y_P ("a photo of [V]"). With several subjects
 * every batch item first draws its subject, then one of that subject's images.
 */
public final class TiLora implements TrainingMethod {
    private final SdModel model;
    private final NDManager manager;
    private final NDArray rows;
    private final NDArray otherRows;
    private final LoraNetwork lora;
    private final List<LatentCache> latents = new ArrayList<>();
    private final DiffusionObjective objective;
    private final List<long[]> promptIds = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private final String targetPrompt;

    /** One forward pass of the personalization branch and everything it drew. */
    public record Forward(NDArray x0, NDArray eps, long[] t, NDArray context, NDArray noisy, NDArray prediction,
            NDArray loss) {}

    /** @param imageSets the images of each subject, in the order of {@link PalpConfig#subjects()} */
    public TiLora(SdModel model, PalpConfig config, List<List<ReferenceImage>> imageSets, long seed) {
        List<PalpConfig.Subject> subjects = config.subjects();
        if (imageSets.size() != subjects.size()) {
            throw new IllegalArgumentException(subjects.size() + " subjects but " + imageSets.size() + " image sets");
        }
        for (int i = 0; i < subjects.size(); i++) {
            if (imageSets.get(i).isEmpty()) {
                throw new IllegalArgumentException("at least one reference image is needed for "
                        + subjects.get(i).token());
            }
        }
        this.model = model;
        this.targetPrompt = config.targetPrompt();
        subjects.forEach(subject -> tokens.add(subject.token()));
        this.manager = model.manager().newSubManager();
        ClipTextModel text = model.textEncoder();
        NDList initial = new NDList();
        int offset = -1;
        for (int i = 0; i < subjects.size(); i++) {
            PalpConfig.Subject subject = subjects.get(i);
            List<Integer> init = model.tokenizer().tokenizeWord(subject.classWord());
            if (init.size() != 1) {
                throw new IllegalArgumentException("the class word '" + subject.classWord() + "' is " + init.size()
                        + " tokens; the new vectors start from it, so pick a single-token word");
            }
            if (model.tokenizer().tokenId(subject.token()).isPresent()) {
                throw new IllegalArgumentException("'" + subject.token() + "' is already a token; choose a new "
                        + "placeholder");
            }
            int id = model.conceptTokens().ensureIds(subject.token(), 1).get(0) - text.baseVocabSize();
            if (offset >= 0 && id != offset + i) {
                throw new IllegalStateException("the subjects' tokens did not get consecutive ids");
            }
            offset = offset < 0 ? id : offset;
            initial.add(text.tokenEmbedding().get(init.get(0)).toType(DataType.FLOAT32, false).expandDims(0));
        }
        long width = text.tokenEmbedding().getShape().get(1);
        NDArray existing = text.addedRows();
        this.otherRows = offset == 0 ? null : existing == null || existing.getShape().get(0) < offset
                ? manager.zeros(new Shape(offset, width)) : existing.get("0:" + offset).duplicate();
        if (otherRows != null) {
            otherRows.attach(manager);
        }
        NDArray r = NDArrays.concat(initial, 0).duplicate(); // torch-owned: the class rows alias the table
        r.attach(manager);
        initial.close();
        this.rows = r;
        this.lora = LoraNetwork.create(LoraTargets.unetAttention(model.unet()), config.loraRank(), config.loraRank(),
                seed, manager);
        lora.attach();
        for (int i = 0; i < subjects.size(); i++) {
            latents.add(new LatentCache(model.vae(), imageSets.get(i), config.flips(), manager, model.computeType()));
            promptIds.add(model.tokenizer().encode(subjects.get(i).personalizationPrompt()));
        }
        this.objective = new DiffusionObjective(model.unet(),
                NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())), model.predictionType());
    }

    /** Each subject's token with its learned row (1, width). */
    public Map<String, NDArray> tokenRows() {
        Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            out.put(tokens.get(i), rows.get(new ai.djl.ndarray.index.NDIndex("{}:{}", i, i + 1)));
        }
        return out;
    }

    @Override
    public Sample sample() {
        return new Sample(targetPrompt, tokenRows());
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

    /** Draws subjects, images, noise and timesteps, and runs the personalized UNet on each subject's y_P. */
    public Forward forward(TorchGenerator rng, int batchSize) {
        NDManager m = rows.getManager();
        long[][] ids = new long[batchSize][];
        NDArray x0;
        NDArray mask;
        if (latents.size() == 1) {
            int[] pick = new int[batchSize];
            for (int b = 0; b < batchSize; b++) {
                pick[b] = (int) rng.randint(0, latents.get(0).size(), 1)[0];
                ids[b] = promptIds.get(0);
            }
            x0 = latents.get(0).sample(pick, rng, m);
            mask = latents.get(0).masks(pick, m);
        } else {
            NDList picked = new NDList();
            List<NDArray> masks = new ArrayList<>();
            for (int b = 0; b < batchSize; b++) {
                int subject = (int) rng.randint(0, latents.size(), 1)[0];
                LatentCache cache = latents.get(subject);
                int[] entry = {(int) rng.randint(0, cache.size(), 1)[0]};
                picked.add(cache.sample(entry, rng, m));
                masks.add(cache.masks(entry, m));
                ids[b] = promptIds.get(subject);
            }
            x0 = NDArrays.concat(picked, 0);
            mask = joinMasks(masks, x0.getShape(), m);
        }
        NDArray idArray = m.create(ids);
        NDArray eps = Noise.randn(rng, m, x0.getShape());
        long[] t = rng.randint(0, objective.schedule().numTrainTimesteps(), batchSize);
        ClipTextModel text = model.textEncoder();
        NDArray extra = otherRows == null ? rows : otherRows.concat(rows, 0);
        NDArray context = text.forwardEmbeddings(text.embed(idArray, extra), idArray, false).lastHiddenState();
        NDArray noisy = objective.noisy(x0, eps, t);
        NDArray prediction = objective.predict(noisy, t, context);
        // a reference image's alpha is its subject mask, as for Textual Inversion and Perfusion
        NDArray loss = DiffusionObjective.subjectLoss(prediction, objective.target(x0, eps, t), mask);
        return new Forward(x0, eps, t, context, noisy, prediction, loss);
    }

    /** The batch items' masks as one (n, 1, h, w) tensor, ones for items without; null when none has a mask. */
    private static NDArray joinMasks(List<NDArray> masks, Shape latents, NDManager m) {
        if (masks.stream().allMatch(java.util.Objects::isNull)) {
            return null;
        }
        NDList out = new NDList();
        for (NDArray mask : masks) {
            out.add(mask != null ? mask : m.ones(new Shape(1, 1, latents.get(2), latents.get(3))));
        }
        return NDArrays.concat(out, 0);
    }

    @Override
    public NDArray loss(TorchGenerator rng, int batchSize) {
        return forward(rng, batchSize).loss();
    }

    /** Saved by {@link Palp}, which owns the concept's description. */
    @Override
    public void saveConcept(Path dir, String name) throws IOException {
        throw new UnsupportedOperationException("TI + LoRA runs as PALP's personalization branch; train --method palp");
    }

    @Override
    public void close() {
        lora.close();
        latents.forEach(LatentCache::close);
        manager.close();
    }
}
