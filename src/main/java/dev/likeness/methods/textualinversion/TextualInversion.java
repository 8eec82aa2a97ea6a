package dev.likeness.methods.textualinversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.EmbeddingFiles;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.DiffusionObjective;
import dev.likeness.train.LatentCache;
import dev.likeness.train.PromptTemplates;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Textual Inversion: learns only the new token's embedding vectors; the text encoder, UNet and VAE stay frozen
 * (their tensors are never written). The new rows sit beside the embedding table, not in it. A reference image's
 * alpha channel is its subject mask: the loss is weighted by it, floored at {@link DiffusionObjective#MASK_FLOOR}.
 */
public final class TextualInversion implements TrainingMethod {
    public static final String METHOD = "textual-inversion";

    private final SdModel model;
    private final TextualInversionConfig config;
    private final NDManager manager;
    private final NDArray rows;
    private final NDArray otherRows;
    private final List<Integer> ids;
    private final LatentCache latents;
    private final DiffusionObjective objective;
    private final List<String> templates;
    private final String expandedToken;

    public TextualInversion(SdModel model, TextualInversionConfig config, List<ReferenceImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("at least one reference image is needed");
        }
        this.model = model;
        this.config = config;
        this.manager = model.manager().newSubManager();
        ClipTextModel text = model.textEncoder();
        List<Integer> init = model.tokenizer().tokenizeWord(config.initWord());
        if (init.size() != 1) {
            throw new IllegalArgumentException("the initializer word '" + config.initWord() + "' is " + init.size()
                    + " tokens; pick a word that is a single token (e.g. cat, toy, painting)");
        }
        if (model.tokenizer().tokenId(config.token()).isPresent() || model.tokenizer().tokenId(config.token() + "</w>").isPresent()) {
            throw new IllegalArgumentException("'" + config.token() + "' is already a token; choose a new placeholder"
                    + " such as <my-" + config.initWord() + ">");
        }
        this.ids = model.conceptTokens().ensureIds(config.token(), config.vectors());
        int offset = ids.get(0) - text.baseVocabSize();
        NDArray existing = text.addedRows();
        long width = text.tokenEmbedding().getShape().get(1);
        this.otherRows = offset == 0 ? null : existing == null || existing.getShape().get(0) < offset
                ? manager.zeros(new Shape(offset, width)) : existing.get("0:" + offset).duplicate();
        if (otherRows != null) {
            otherRows.attach(manager);
        }
        NDArray initRow = text.tokenEmbedding().get(init.get(0)).toType(DataType.FLOAT32, true);
        NDArray r = initRow.expandDims(0).repeat(0, config.vectors());
        r.attach(manager);
        this.rows = r;
        this.latents = new LatentCache(model.vae(), images, config.flips(), manager, model.computeType());
        this.objective = new DiffusionObjective(model.unet(),
                NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())), model.predictionType());
        this.templates = PromptTemplates.of(config.templates());
        this.expandedToken = String.join(" ", dev.likeness.pipeline.ConceptTokens.partNames(config.token(),
                config.vectors()));
    }

    @Override
    public Map<String, NDArray> trainables() {
        return Map.of("embedding", rows);
    }

    @Override
    public Sample sample() {
        return new Sample("a photo of " + config.token(), Map.of(config.token(), rows));
    }

    /** The learned vectors (n, width). */
    public NDArray vectors() {
        return rows;
    }

    /** Arrays made here belong to the caller's NDScope (the loop's per-step scope). */
    @Override
    public NDArray loss(TorchGenerator rng, int batchSize) {
        int[] pick = new int[batchSize];
        long[][] tokenIds = new long[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            pick[b] = (int) rng.randint(0, latents.size(), 1)[0];
            String template = templates.get((int) rng.randint(0, templates.size(), 1)[0]);
            tokenIds[b] = model.tokenizer().encode(PromptTemplates.fill(template, expandedToken));
        }
        NDArray ids = rows.getManager().create(tokenIds);
        NDArray x0 = latents.sample(pick, rng, rows.getManager());
        NDArray noise = Noise.randn(rng, rows.getManager(), x0.getShape());
        long[] t = rng.randint(0, objective.schedule().numTrainTimesteps(), batchSize);
        ClipTextModel text = model.textEncoder();
        NDArray extra = otherRows == null ? rows : otherRows.concat(rows, 0);
        NDArray embeds = text.embed(ids, extra.toType(text.tokenEmbedding().getDataType(), false));
        NDArray context = text.forwardEmbeddings(embeds, ids, false).lastHiddenState();
        NDArray prediction = objective.predict(objective.noisy(x0, noise, t), t, context);
        // a reference image's alpha is its subject mask (cut-out editor layers): the background barely counts
        return DiffusionObjective.subjectLoss(prediction, objective.target(x0, noise, t),
                latents.masks(pick, rows.getManager()));
    }

    @Override
    public void saveConcept(Path dir, String name) throws IOException {
        ObjectNode details = Json.MAPPER.createObjectNode().put("initWord", config.initWord())
                .put("vectors", config.vectors()).put("templates", config.templates())
                .put("width", rows.getShape().get(1));
        new ConceptManifest(name, METHOD, config.token(), config.initWord(), model.family().name().toLowerCase(),
                Instant.now().toString(), details).write(dir);
        EmbeddingFiles.writeDiffusers(dir.resolve("embeddings.safetensors"), config.token(), rows);
    }

    @Override
    public void close() {
        latents.close();
        manager.close();
    }
}
