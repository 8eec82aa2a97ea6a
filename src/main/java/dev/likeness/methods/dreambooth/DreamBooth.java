package dev.likeness.methods.dreambooth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.NoiseSchedule;
import dev.likeness.engine.sched.SchedulerConfig;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DreamBooth (Ruiz et al. 2023): binds a rare identifier to the subject by fine-tuning on "a [V] [class]", while
 * class images the base model generated for "a photo of a [class]" keep the class prior ({@link
 * PriorPreservationLoss}). What is trained is a {@link Tuning}: LoRA adapters or the full UNet.
 */
public final class DreamBooth implements TrainingMethod {
    public static final String METHOD = "dreambooth";

    private final SdModel model;
    private final DreamBoothConfig config;
    private final NDManager manager;
    private final LatentCache instances;
    private final LatentCache classes;
    private final DiffusionObjective objective;
    private final Tuning tuning;
    private final long[] instanceIds;
    private final long[] classIds;
    private final NDArray instanceContext;
    private final NDArray classContext;

    /**
     * @param classImages the prior-preservation images (empty when prior preservation is off)
     * @param seed        initializes LoRA's A matrices
     */
    public DreamBooth(SdModel model, DreamBoothConfig config, List<ReferenceImage> images,
            List<ReferenceImage> classImages, long seed) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("at least one reference image is needed");
        }
        if (config.prior() && classImages.isEmpty()) {
            throw new IllegalArgumentException("prior preservation needs class images");
        }
        RareIdentifier.check(model.tokenizer(), config.identifier());
        this.model = model;
        this.config = config;
        this.manager = model.manager().newSubManager();
        try {
            this.instances = new LatentCache(model.vae(), images, config.flips(), manager, model.computeType());
            this.classes = config.prior()
                    ? new LatentCache(model.vae(), classImages, false, manager, model.computeType()) : null;
            this.objective = new DiffusionObjective(model.unet(),
                    NoiseSchedule.of(SchedulerConfig.parse(model.schedulerConfig())), model.predictionType());
            this.instanceIds = model.tokenizer().encode(config.instancePrompt());
            this.classIds = model.tokenizer().encode(config.classPrompt());
            boolean textTrained = config.trainTextEncoder(); // (full fine-tunes only, see DreamBoothConfig)
            this.instanceContext = textTrained ? null : fixedContext(instanceIds);
            this.classContext = textTrained ? null : fixedContext(classIds);
            // last: a full fine-tune snapshots the weights, which close() puts back
            this.tuning = config.lora() ? new LoraTuning(model, config.loraRank(), config.loraAlpha(), seed)
                    : new FullTuning(model, textTrained);
        } catch (RuntimeException e) {
            manager.close(); // the latent caches live in sub-managers of it
            throw e;
        }
    }

    /** Text states of a prompt the frozen text encoder encodes once, (1, 77, hidden). */
    private NDArray fixedContext(long[] ids) {
        return GradMode.off(() -> {
            try (NDScope scope = new NDScope()) {
                NDArray ctx = encode(ids, 1);
                ctx.attach(manager);
                NDScope.unregister(ctx);
                return ctx;
            }
        });
    }

    private NDArray encode(long[] ids, int repeat) {
        long[][] batch = new long[repeat][];
        java.util.Arrays.fill(batch, ids);
        return model.textEncoder().forward(manager.create(batch), false).lastHiddenState();
    }

    public DreamBoothConfig config() {
        return config;
    }

    @Override
    public Sample sample() {
        return new Sample(config.instancePrompt(), Map.of());
    }

    @Override
    public Map<String, NDArray> trainables() {
        return tuning.trainables();
    }

    /** Arrays made here belong to the caller's NDScope (the loop's per-step scope). */
    @Override
    public NDArray loss(TorchGenerator rng, int batchSize) {
        return parts(rng, batchSize).total();
    }

    private PriorPreservationLoss.Parts parts(TorchGenerator rng, int batchSize) {
        int[] inst = pick(rng, instances.size(), batchSize);
        int[] cls = classes == null ? new int[0] : pick(rng, classes.size(), batchSize);
        NDArray x0 = classes == null ? instances.sample(inst, rng, manager)
                : instances.sample(inst, rng, manager).concat(classes.sample(cls, rng, manager), 0);
        NDArray noise = Noise.randn(rng, manager, x0.getShape());
        long[] t = rng.randint(0, objective.schedule().numTrainTimesteps(), (int) x0.getShape().get(0));
        NDArray context = context(inst.length, cls.length);
        return PriorPreservationLoss.loss(objective, x0, noise, t, context, inst.length, config.priorWeight(),
                instances.masks(inst, manager));
    }

    private static int[] pick(TorchGenerator rng, int size, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) rng.randint(0, size, 1)[0];
        }
        return out;
    }

    private NDArray context(int nInstance, int nClass) {
        if (!tuning.trainsTextEncoder()) {
            NDArray inst = instanceContext.repeat(0, nInstance);
            return nClass == 0 ? inst : inst.concat(classContext.repeat(0, nClass), 0);
        }
        NDList parts = new NDList(encode(instanceIds, nInstance));
        if (nClass > 0) {
            parts.add(encode(classIds, nClass));
        }
        return NDArrays.concat(parts, 0);
    }

    @Override
    public double evalLoss(long seed, int batchSize) {
        return evalParts(seed, batchSize)[0];
    }

    /** The eval batch's loss as {total, instance term, prior term (NaN without prior preservation)}. */
    public double[] evalParts(long seed, int batchSize) {
        return GradMode.offInScope(() -> {
            PriorPreservationLoss.Parts p = parts(new TorchGenerator(seed), batchSize);
            return new double[] {p.total().getFloat(), p.instance().getFloat(),
                    p.prior() == null ? Double.NaN : p.prior().getFloat()};
        });
    }

    @Override
    public void saveConcept(Path dir, String name) throws IOException {
        ObjectNode details = Json.MAPPER.createObjectNode().put("identifier", config.identifier())
                .put("prompt", config.subject()).put("instancePrompt", config.instancePrompt())
                .put("classPrompt", config.classPrompt()).put("priorWeight", config.priorWeight())
                .put("classImages", config.prior() ? config.classImages() : 0);
        tuning.save(dir, details);
        new ConceptManifest(name, METHOD, config.alias(), config.classWord(),
                model.family().name().toLowerCase(Locale.ROOT), Instant.now().toString(), details).write(dir);
    }

    /** Removes LoRA adapters or restores the original weights, and frees the caches. */
    @Override
    public void close() {
        tuning.close();
        instances.close();
        if (classes != null) {
            classes.close();
        }
        manager.close();
    }
}
