package dev.likeness.methods.palp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.EmbeddingFiles;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.nn.Ops;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.methods.lora.LoraFiles;
import dev.likeness.methods.lora.LoraNetwork;
import dev.likeness.methods.lora.LoraTargets;
import dev.likeness.pipeline.Applied;
import dev.likeness.pipeline.ConceptTokens;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.DiffusionObjective;
import dev.likeness.train.GradMode;
import dev.likeness.train.LatentCache;
import dev.likeness.train.ReferenceImage;
import dev.likeness.train.TrainingMethod;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PALP (prompt-aligned personalization, methods.md §4): a new token embedding plus LoRA on every attention
 * projection, trained with the personalization loss L_P and the prompt-aligned score term. The term re-noises the
 * model's own clean estimate x̂₀ with the same ε and t, compares the frozen teacher (LoRA off, clean prompt y_c, CFG α)
 * with the student (LoRA on, y_P, CFG β), and pushes x̂₀ along (a_t/s_t)(ε_teacher − ε_student); the bracket is a
 * constant, so the only gradient path is x̂₀ — no extra backward pass.
 */
public final class Palp implements TrainingMethod {
    public static final String METHOD = "palp";

    private final PalpConfig config;
    private final TiLora branch;
    private final NDArray cleanContext;
    private final NDArray emptyContext;

    /** The pieces of one step, exposed for the gradient check: L_P, x̂₀ and the constant direction r. */
    public record Parts(NDArray personalizationLoss, NDArray cleanEstimate, NDArray direction) {}

    public Palp(SdModel model, PalpConfig config, List<ReferenceImage> images, long seed) {
        this(model, config, seed, List.of(images));
    }

    /** @param imageSets the images of each subject, in the order of {@link PalpConfig#subjects()} */
    public Palp(SdModel model, PalpConfig config, long seed, List<List<ReferenceImage>> imageSets) {
        this.config = config;
        this.branch = new TiLora(model, config, imageSets, seed);
        NDManager m = branch.rows().getManager();
        NDArray clean = GradMode.off(() -> encodeFrozen(model, config.cleanPrompt(), m));
        NDArray empty = GradMode.off(() -> encodeFrozen(model, "", m));
        this.cleanContext = clean;
        this.emptyContext = empty;
    }

    private static NDArray encodeFrozen(SdModel model, String prompt, NDManager m) {
        long[] ids = model.tokenizer().encode(prompt);
        NDArray states = model.textEncoder().forward(m.create(ids, new Shape(1, ids.length)), false)
                .lastHiddenState().duplicate();
        states.attach(m);
        return states;
    }

    @Override
    public Sample sample() {
        return new Sample(config.targetPrompt(), branch.tokenRows());
    }

    @Override
    public Map<String, NDArray> trainables() {
        return branch.trainables();
    }

    public LoraNetwork lora() {
        return branch.lora();
    }

    @Override
    public NDArray loss(TorchGenerator rng, int batchSize) {
        Parts p = parts(rng, batchSize);
        return p.personalizationLoss().add(Ops.scale(promptAlignedTerm(p), (float) config.weight()));
    }

    /**
     * The prompt-aligned term with the same reduction as L_P: the mean over every latent element of r·x̂₀, so both
     * terms give each element the same weight (the paper writes both as squared norms) and λ ({@link
     * PalpConfig#weight()}) is their ratio at any resolution. A sum would outweigh L_P by the number of latent
     * elements per image (16,384 at 512 px).
     */
    public static NDArray promptAlignedTerm(Parts p) {
        return p.cleanEstimate().mul(p.direction()).mean();
    }

    /** One step's L_P, x̂₀ (with its gradient path) and the constant (a_t/s_t)(ε_teacher − ε_student). */
    public Parts parts(TorchGenerator rng, int batchSize) {
        TiLora.Forward f = branch.forward(rng, batchSize);
        DiffusionObjective objective = branch.objective();
        NDArray[] at = coefficients(objective, f.t(), f.noisy());
        NDArray a = at[0];
        NDArray s = at[1];
        NDArray out = f.prediction();
        NDArray x0Hat = objective.vPrediction() ? a.mul(f.noisy()).sub(s.mul(out)) : f.noisy().sub(s.mul(out)).div(a);
        NDArray direction = GradMode.off(() -> {
            NDArray renoised = a.mul(x0Hat).add(s.mul(f.eps()));
            NDArray student = guided(objective, renoised, f.t(), f.context(), config.studentGuidance(), a, s);
            NDArray teacher;
            try (Applied base = branch.lora().scaled(0f)) {
                teacher = guided(objective, renoised, f.t(), cleanContext.repeat(0, batchSize),
                        config.teacherGuidance(), a, s);
            }
            return teacher.sub(student).mul(a.div(s));
        });
        return new Parts(f.loss(), x0Hat, direction);
    }

    /** CFG noise prediction ε (v converted to ε for v-prediction models) on an input without gradient. */
    private NDArray guided(DiffusionObjective objective, NDArray x, long[] t, NDArray cond, float guidance, NDArray a,
            NDArray s) {
        NDArray uncond = emptyContext.repeat(0, x.getShape().get(0));
        long[] tt = new long[t.length * 2];
        System.arraycopy(t, 0, tt, 0, t.length);
        System.arraycopy(t, 0, tt, t.length, t.length);
        NDList halves = objective.predict(x.concat(x, 0), tt, uncond.concat(cond, 0)).split(2, 0);
        NDArray u = toEps(objective, halves.get(0), x, a, s);
        NDArray c = toEps(objective, halves.get(1), x, a, s);
        return u.add(c.sub(u).mul(guidance));
    }

    private static NDArray toEps(DiffusionObjective objective, NDArray prediction, NDArray x, NDArray a, NDArray s) {
        return objective.vPrediction() ? s.mul(x).add(a.mul(prediction)) : prediction;
    }

    /** a_t = √ᾱ_t and s_t = √(1−ᾱ_t) as (B, 1, 1, 1) torch-owned tensors in the sample's type. */
    private static NDArray[] coefficients(DiffusionObjective objective, long[] t, NDArray like) {
        float[] a = new float[t.length];
        float[] s = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            float ab = objective.schedule().alphaCumprod(t[i]);
            a[i] = (float) Math.sqrt(ab);
            s[i] = (float) Math.sqrt(1 - ab);
        }
        Shape shape = new Shape(t.length, 1, 1, 1);
        NDManager m = like.getManager();
        return new NDArray[] {m.create(a, shape).toType(like.getDataType(), false).duplicate(),
            m.create(s, shape).toType(like.getDataType(), false).duplicate()};
    }

    @Override
    public void saveConcept(Path dir, String name) throws IOException {
        SdModel model = branch.model();
        ObjectNode details = Json.MAPPER.createObjectNode().put("targetPrompt", config.targetPrompt())
                .put("cleanPrompt", config.cleanPrompt()).put("loraRank", config.loraRank())
                .put("teacherGuidance", config.teacherGuidance()).put("studentGuidance", config.studentGuidance())
                .put("weight", config.weight()).put("width", branch.rows().getShape().get(1));
        List<PalpConfig.Subject> subjects = config.subjects();
        if (!config.others().isEmpty()) {
            ArrayNode list = details.putArray("subjects");
            subjects.forEach(s -> list.addObject().put("token", s.token()).put("classWord", s.classWord())
                    .put("prompt", s.prompt()));
        }
        new ConceptManifest(name, METHOD, config.token(), config.classWord(), model.family().name().toLowerCase(),
                Instant.now().toString(), details).write(dir);
        Map<String, NDArray> embeddings = new LinkedHashMap<>();
        for (int i = 0; i < subjects.size(); i++) {
            embeddings.put(subjects.get(i).token(), branch.rows().get(i + ":" + (i + 1)));
        }
        EmbeddingFiles.writeDiffusers(dir.resolve("embeddings.safetensors"), embeddings);
        LoraFiles.writeDiffusers(dir.resolve("lora.safetensors"), branch.lora().weights());
    }

    @Override
    public void close() {
        branch.close();
    }
}
