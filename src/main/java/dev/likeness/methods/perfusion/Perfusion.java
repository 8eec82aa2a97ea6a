package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.LinearAdapter;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.DiffusionObjective;
import dev.likeness.train.GradMode;
import dev.likeness.train.LatentCache;
import dev.likeness.train.PromptTemplates;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Perfusion (key-locked rank-one editing): the K and V projections of every cross-attention layer get the gated
 * rank-one edit of {@link EditBasis}. o*_K is locked to the super-category's key W_K·i_super; o*_V (one vector per
 * layer, learning rate 0.03) and the token's word embedding (0.006) are learned; i* follows the encoding of the
 * concept token as a running average (decay 0.99), updated before every UNet pass. The loss is the diffusion loss
 * weighted by the subject mask (alpha channel or given mask, floored at 0.1 so the background keeps a little
 * weight), or the plain loss when no image has a mask. Every model weight stays as it was.
 */
public final class Perfusion implements TrainingMethod {
    public static final String METHOD = "perfusion";
    public static final int DEFAULT_STEPS = 400;
    public static final double VALUE_LR = 0.03;
    public static final double EMBEDDING_LR = 0.006;
    /** Inference defaults written into the concept (methods.md §3.5). */
    public static final double BETA = 0.7;
    public static final double TAU = 0.15;

    private final SdModel model;
    private final PerfusionConfig config;
    private final NDManager manager;
    private final double[] cInverse;
    private final String covarianceId;
    private final List<CrossLayer> layers;
    private final int tokenId;
    private final NDArray rows;
    private final NDArray otherRows;
    private final NDArray iStar;
    private final List<NDArray> keys = new ArrayList<>();
    private final List<NDArray> values = new ArrayList<>();
    private final NDArray beta;
    private final NDArray tau;
    private final LatentCache latents;
    private final DiffusionObjective objective;
    private final List<String> templates;
    private final Map<Linear, LinearAdapter> installed = new LinkedHashMap<>();
    /** Refreshed from i* at the start of every loss evaluation (they live in that evaluation's scope). */
    private EditBasis basis;
    private NDArray[] removedKeys;
    private NDArray[] removedValues;
    private RankOneEdit.Terms terms;

    public Perfusion(SdModel model, PerfusionConfig config, Covariance covariance, List<ReferenceImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("at least one reference image is needed");
        }
        ClipTextModel text = model.textEncoder();
        int width = (int) text.tokenEmbedding().getShape().get(1);
        if (covariance.dim() != width) {
            throw new IllegalArgumentException("the covariance is " + covariance.dim() + "-d but the text encoder is "
                    + width + "-d");
        }
        List<Integer> cls = model.tokenizer().tokenizeWord(config.classWord());
        if (cls.size() != 1) {
            throw new IllegalArgumentException("the class word '" + config.classWord() + "' is " + cls.size()
                    + " tokens; pick a word that is a single token (e.g. teddy, dog, mug)");
        }
        if (model.tokenizer().tokenId(config.token()).isPresent()
                || model.tokenizer().tokenId(config.token() + "</w>").isPresent()) {
            throw new IllegalArgumentException("'" + config.token() + "' is already a token; choose a new placeholder"
                    + " such as <my-" + config.classWord() + ">");
        }
        this.model = model;
        this.config = config;
        this.manager = model.manager().newSubManager();
        this.cInverse = covariance.inverse();
        this.covarianceId = covariance.id();
        this.layers = CrossLayer.of(model.unet());
        this.templates = PromptTemplates.of(config.templates());
        this.tokenId = model.conceptTokens().ensureIds(config.token(), 1).get(0);
        int offset = tokenId - text.baseVocabSize();
        NDArray existing = text.addedRows();
        this.otherRows = offset == 0 ? null : existing == null || existing.getShape().get(0) < offset
                ? manager.zeros(new Shape(offset, width)) : existing.get("0:" + offset).duplicate();
        if (otherRows != null) {
            otherRows.attach(manager);
        }
        this.beta = keep(manager.create(new float[] {(float) config.beta()}));
        this.tau = keep(manager.create(new float[] {(float) config.tau()}));
        try (NDScope scope = new NDScope()) {
            this.rows = keep(text.tokenEmbedding().get(cls.get(0)).toType(DataType.FLOAT32, false).reshape(1, width));
            this.iStar = keep(superCategoryEncoding(cls.get(0)));
            GradMode.off(() -> {
                for (CrossLayer l : layers) {
                    keys.add(keep(project(l.key(), iStar)));
                    values.add(keep(project(l.value(), iStar)));
                }
            });
        }
        this.latents = new LatentCache(model.vae(), images, config.flips(), manager, model.computeType());
        this.objective = new DiffusionObjective(model.unet(),
                NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())), model.predictionType());
        install();
    }

    /** i_super: the class word's encoding at the concept position, averaged over the templates. */
    private NDArray superCategoryEncoding(int classId) {
        return GradMode.off(() -> {
            long[][] ids = new long[templates.size()][];
            int[] at = new int[templates.size()];
            for (int i = 0; i < ids.length; i++) {
                at[i] = position(model.tokenizer().encode(PromptTemplates.fill(templates.get(i), config.token())));
                ids[i] = model.tokenizer().encode(PromptTemplates.fill(templates.get(i), config.classWord()));
                if (ids[i][at[i]] != classId) {
                    throw new IllegalStateException("class word and token do not line up in '" + templates.get(i) + "'");
                }
            }
            NDArray states = model.textEncoder().forward(manager.create(ids), false).lastHiddenState();
            return gather(states, at).mean(new int[] {0}).toType(DataType.FLOAT32, false);
        });
    }

    /** Where the concept token sits in a prompt's ids (BOS is position 0). */
    private int position(long[] ids) {
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] == tokenId) {
                return t;
            }
        }
        throw new IllegalStateException("the concept token was cut off the prompt");
    }

    private static NDArray gather(NDArray states, int[] positions) {
        NDList picked = new NDList();
        for (int b = 0; b < positions.length; b++) {
            picked.add(states.get(b).get(positions[b]));
        }
        return NDArrays.stack(picked);
    }

    /** W·v in float32, (d_l). */
    private static NDArray project(Linear linear, NDArray v) {
        NDArray w = linear.weight().toType(DataType.FLOAT32, false);
        return w.matMul(v.reshape(v.getShape().get(0), 1)).reshape(w.getShape().get(0));
    }

    /** A copy owned by this method's manager that outlives the current NDScope. */
    private NDArray keep(NDArray a) {
        NDArray c = a.duplicate();
        c.attach(manager);
        NDScope.unregister(c);
        return c;
    }

    private void install() {
        for (int i = 0; i < layers.size(); i++) {
            int l = i;
            CrossLayer layer = layers.get(i);
            add(layer.key(), (e, y) -> RankOneEdit.apply(y, removedKeys[l], keys.get(l).expandDims(0), terms(e)));
            add(layer.value(), (e, y) -> RankOneEdit.apply(y, removedValues[l], values.get(l).expandDims(0), terms(e)));
        }
    }

    private RankOneEdit.Terms terms(NDArray e) {
        RankOneEdit.Terms t = terms;
        terms = t == null ? RankOneEdit.Terms.of(e, basis) : t.reuseFor(e, basis);
        return terms;
    }

    private void add(Linear linear, LinearAdapter adapter) {
        linear.addAdapter(adapter);
        installed.put(linear, adapter);
    }

    /** Recomputes b = C⁻¹i* / (i*ᵀC⁻¹i*) and the W·i* of every layer from the current i*. */
    private void refresh(NDManager m) {
        GradMode.off(() -> {
            float[] i = iStar.toFloatArray();
            double[] id = new double[i.length];
            for (int k = 0; k < i.length; k++) {
                id[k] = i[k];
            }
            double[] b = EditGeometry.similarity(cInverse, id);
            float[] bf = new float[b.length];
            for (int k = 0; k < b.length; k++) {
                bf[k] = (float) b[k];
            }
            NDArray column = m.create(bf, new Shape(bf.length, 1));
            basis = new EditBasis(column, column, beta, tau);
            removedKeys = new NDArray[layers.size()];
            removedValues = new NDArray[layers.size()];
            for (int l = 0; l < layers.size(); l++) {
                removedKeys[l] = project(layers.get(l).key(), iStar).expandDims(0);
                removedValues[l] = project(layers.get(l).value(), iStar).expandDims(0);
            }
        });
    }

    @Override
    public Map<String, NDArray> trainables() {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("embedding", rows);
        for (int l = 0; l < layers.size(); l++) {
            t.put("value." + layers.get(l).path(), values.get(l));
        }
        return t;
    }

    @Override
    public Sample sample() {
        refresh(rows.getManager()); // the edit's basis lives for one step (or one sample): made from the current i*
        return new Sample("a photo of a " + config.token(), Map.of(config.token(), rows));
    }

    @Override
    public double lrScale(String trainable) {
        return trainable.equals("embedding") ? EMBEDDING_LR / VALUE_LR : 1.0;
    }

    @Override
    public Map<String, NDArray> buffers() {
        return Map.of("i_star", iStar);
    }

    @Override
    public NDArray loss(TorchGenerator rng, int batchSize) {
        return loss(rng, batchSize, true);
    }

    private NDArray loss(TorchGenerator rng, int batchSize, boolean updateAverage) {
        NDManager m = rows.getManager();
        int[] pick = new int[batchSize];
        long[][] tokenIds = new long[batchSize][];
        int[] at = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            pick[b] = (int) rng.randint(0, latents.size(), 1)[0];
            String template = templates.get((int) rng.randint(0, templates.size(), 1)[0]);
            tokenIds[b] = model.tokenizer().encode(PromptTemplates.fill(template, config.token()));
            at[b] = position(tokenIds[b]);
        }
        NDArray ids = m.create(tokenIds);
        NDArray x0 = latents.sample(pick, rng, m);
        NDArray noise = Noise.randn(rng, m, x0.getShape());
        long[] t = rng.randint(0, objective.schedule().numTrainTimesteps(), batchSize);
        ClipTextModel text = model.textEncoder();
        NDArray extra = otherRows == null ? rows : otherRows.concat(rows, 0);
        NDArray embeds = text.embed(ids, extra.toType(text.tokenEmbedding().getDataType(), false));
        NDArray context = text.forwardEmbeddings(embeds, ids, false).lastHiddenState();
        if (updateAverage) {
            GradMode.off(() -> {
                NDArray current = gather(context, at).mean(new int[] {0}).toType(DataType.FLOAT32, false);
                iStar.muli((float) config.ema()).addi(current.mul((float) (1 - config.ema())));
            });
        }
        refresh(m);
        NDArray pred = objective.predict(objective.noisy(x0, noise, t), t, context);
        NDArray target = objective.target(x0, noise, t);
        NDArray mask = latents.masks(pick, m);
        return DiffusionObjective.subjectLoss(pred, target, mask);
    }

    /** The (masked) loss on a fixed batch; i* is left as it is. */
    @Override
    public NDArray evalBatchLoss(TorchGenerator rng, int batchSize) {
        return loss(rng, batchSize, false);
    }

    /** The concept as trained so far. */
    public PerfusionConcept concept() {
        List<PerfusionConcept.LayerTargets> targets = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            targets.add(new PerfusionConcept.LayerTargets(layers.get(l).path(), keys.get(l).toFloatArray(),
                    values.get(l).toFloatArray()));
        }
        return new PerfusionConcept(config.token(), config.classWord(), family(), covarianceId, targets,
                iStar.toFloatArray(), rows.toFloatArray());
    }

    private String family() {
        return model.family().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void saveConcept(Path dir, String name) throws IOException {
        PerfusionConcept c = concept();
        ObjectNode details = Json.MAPPER.createObjectNode().put("beta", BETA).put("tau", TAU)
                .put("trainBeta", config.beta()).put("trainTau", config.tau()).put("templates", config.templates())
                .put("layers", layers.size()).put("width", c.embedding().length).put("covariance", covarianceId);
        new ConceptManifest(name, METHOD, config.token(), config.classWord(), family(), Instant.now().toString(),
                details).write(dir);
        c.write(dir.resolve(PerfusionConcept.FILE));
    }

    @Override
    public void close() {
        installed.forEach(Linear::removeAdapter);
        installed.clear();
        latents.close();
        manager.close();
    }
}
