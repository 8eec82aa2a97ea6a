package dev.likeness.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.rng.Noise;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.Scheduler;
import dev.likeness.engine.sched.SchedulerConfig;
import dev.likeness.engine.sched.Schedulers;
import dev.likeness.pipeline.preview.PreviewSink;
import dev.likeness.pipeline.preview.PreviewThrottle;
import dev.likeness.pipeline.preview.Previews;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** txt2img and img2img with classifier-free guidance, as diffusers' StableDiffusion(Img2Img)Pipeline. */
public final class StableDiffusion implements ImageGenerator {
    private final SdModel model;
    private final PromptEncoder prompts;
    private final DenoiseLoop loop;
    private final ConceptSource concepts;

    /** Applies a request's named concepts to the model before sampling. */
    @FunctionalInterface
    public interface ConceptSource {
        ConceptSource NONE = (model, name) -> {
            throw new java.io.IOException("no concept library: cannot use concept '" + name + "'");
        };

        void apply(SdModel model, String name) throws java.io.IOException;
    }

    public StableDiffusion(SdModel model) {
        this(model, ConceptSource.NONE);
    }

    public StableDiffusion(SdModel model, ConceptSource concepts) {
        this.model = model;
        this.prompts = new PromptEncoder(model);
        this.loop = new DenoiseLoop(model.unet());
        this.concepts = concepts;
    }

    public SdModel model() {
        return model;
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public List<GeneratedImage> generate(GenerationRequest req, ProgressListener listener, CancelSignal cancel) {
        return generate(req, listener, cancel, PreviewSink.NONE);
    }

    @Override
    public List<GeneratedImage> generate(GenerationRequest req, ProgressListener listener, CancelSignal cancel,
            PreviewSink previews) {
        String sampler = SamplerNames.resolve(req.sampler(), model.schedulerConfig());
        try (Applied applied = model.conceptPatches().forRequest()) {
            for (String concept : req.concepts()) {
                try {
                    concepts.apply(model, concept);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return run(req, sampler, listener, cancel, previews);
        }
    }

    private List<GeneratedImage> run(GenerationRequest req, String sampler, ProgressListener listener,
            CancelSignal cancel, PreviewSink previews) {
        IntFunction<StepPreview> previewOf = Previews.of(model, req.width(), req.height(), previews,
                PreviewThrottle.defaults());
        List<GeneratedImage> results = new ArrayList<>();
        // The scope also closes results that ops attach to the weights' manager (e.g. embedding lookups).
        try (NDScope scope = new NDScope(); NDManager request = model.manager().newSubManager()) {
            Conditioning cond = conditioning(req, request);
            int perImage = stepsRun(req, newScheduler(sampler, req.steps()));
            for (int k = 0; k < req.count(); k++) {
                cancel.throwIfCancelled();
                long seed = req.seed() + k;
                try (NDScope imageScope = new NDScope(); NDManager run = request.newSubManager()) {
                    NDArray init = req.initImage() == null ? null
                            : ImageTensors.toTensor(ImageTensors.resize(req.initImage(), req.width(), req.height()), run);
                    Progress progress = new Progress(listener, k * perImage, req.count() * perImage);
                    NDArray pixels = sample(req, seed, null, init, run, SampleRun.of(cond).withSampler(sampler)
                            .withProgress(progress).withCancel(cancel).withPreview(previewOf.apply(k)));
                    results.add(new GeneratedImage(ImageTensors.toImage(pixels, 0), seed, metadata(req, sampler, seed)));
                }
            }
        }
        return results;
    }

    /** Where one image's steps sit in the progress of a whole request. */
    public record Progress(ProgressListener listener, int offset, int total) {
        public static Progress of(ProgressListener listener) {
            return new Progress(listener, 0, 0);
        }
    }

    /**
     * Samples one image and returns it decoded, (1, 3, h, w) in [0, 1].
     *
     * @param startLatents explicit initial latents (txt2img), or null to draw them from the seed
     * @param initPixels   (1, 3, h, w) in [0, 1] for img2img, or null for txt2img
     */
    public NDArray sample(GenerationRequest req, String sampler, Conditioning cond, long seed, NDArray startLatents,
            NDArray initPixels, NDManager m, Progress progress, CancelSignal cancel) {
        return sample(req, seed, startLatents, initPixels, m,
                SampleRun.of(cond).withSampler(sampler).withProgress(progress).withCancel(cancel));
    }

    /** {@link #sample} with everything about the run in {@code run} (its sampler name, conditioning, previews...). */
    public NDArray sample(GenerationRequest req, long seed, NDArray startLatents, NDArray initPixels, NDManager m,
            SampleRun run) {
        return decode(sampleLatents(req, seed, startLatents, initPixels, m, run));
    }

    /**
     * {@link #sample} without the decode. The scheduler is made from {@code run.sampler()} (its scheduler, start and
     * generator are set here: the generator from {@code seed}, the start from the request's img2img strength); the
     * step-blended sampling of Layout-and-Retouch switches model and prompt part-way through the run's conditioning
     * and hook.
     */
    public NDArray sampleLatents(GenerationRequest req, long seed, NDArray startLatents, NDArray initPixels,
            NDManager m, SampleRun run) {
        Scheduler sched = initPixels == null ? newScheduler(run.sampler(), req.steps())
                : newScheduler(run.sampler(), req.steps(), img2imgConfig());
        TorchGenerator gen = new TorchGenerator(seed);
        int f = model.vaeScale();
        Shape shape = new Shape(1, model.unet().config().inChannels(), req.height() / f, req.width() / f);
        int start = initPixels == null ? 0 : startIndex(req, sched);
        NDArray latents;
        if (initPixels != null) {
            sched.setBeginIndex(start);
            NDArray clean = encode(initPixels, gen, m);
            latents = sched.addNoise(clean, Noise.randn(gen, m, shape), start);
        } else if (startLatents != null) {
            latents = startLatents.mul(sched.initNoiseSigma());
        } else {
            latents = Noise.randn(gen, m, shape).mul(sched.initNoiseSigma());
        }
        return loop.run(latents, run.withScheduler(sched).withStart(start).withGenerator(gen));
    }

    public Scheduler newScheduler(String sampler, int steps) {
        return newScheduler(sampler, steps, model.schedulerConfig());
    }

    private static Scheduler newScheduler(String sampler, int steps, JsonNode config) {
        return Schedulers.create(sampler, SchedulerConfig.parse(config), steps);
    }

    /**
     * img2img never clips the predicted x0 to [-1, 1]: an encoded image's latents routinely exceed that range, and
     * clipping them would wash the init image out (diffusers' reference img2img runs unclipped as well).
     */
    private JsonNode img2imgConfig() {
        ObjectNode config = model.schedulerConfig().deepCopy();
        config.put("clip_sample", false);
        return config;
    }

    /** Text states for the request's prompt and negative prompt. */
    public Conditioning conditioning(GenerationRequest req, NDManager m) {
        NDArray cond = prompts.encode(req.prompt(), m);
        NDArray uncond = req.guidance() > 1 ? prompts.encode(req.negativePrompt(), m) : null;
        Conditioning conditioning = new Conditioning(uncond, cond, req.guidance());
        for (ConditioningHook hook : model.conditioningHooks()) {
            hook.prepare(req, conditioning, m);
        }
        return conditioning;
    }

    private int stepsRun(GenerationRequest req, Scheduler sched) {
        return sched.timesteps().length - (req.initImage() == null ? 0 : startIndex(req, sched));
    }

    /** diffusers' img2img start: skip the first (1 - strength) of the steps. */
    static int startIndex(GenerationRequest req, Scheduler sched) {
        int initTimestep = Math.min((int) (req.steps() * req.strength()), req.steps());
        int tStart = Math.max(req.steps() - initTimestep, 0);
        return Math.min(tStart, sched.timesteps().length);
    }

    /** Pixels in [0, 1] → scaled latents, sampling the posterior with the generator (diffusers' "sample" mode). */
    public NDArray encode(NDArray pixels01, TorchGenerator gen, NDManager m) {
        NDArray pixels = pixels01.mul(2f).sub(1f).toType(model.computeType(), false);
        AutoencoderKL.Posterior post = model.vae().encode(pixels);
        NDArray noise = Noise.randn(gen, m, post.mean().getShape()).toType(model.computeType(), false);
        return post.sample(noise).toType(DataType.FLOAT32, false).mul(model.vae().config().scalingFactor());
    }

    /** Pixels in [0, 1] → scaled latents of the posterior mean: the deterministic encoding DDIM inversion starts from. */
    public NDArray encodeMean(NDArray pixels01) {
        NDArray pixels = pixels01.mul(2f).sub(1f).toType(model.computeType(), false);
        NDArray mean = model.vae().encode(pixels).mean();
        return mean.toType(DataType.FLOAT32, false).mul(model.vae().config().scalingFactor());
    }

    /** Scaled latents → images (n, 3, h, w) in [0, 1]. */
    public NDArray decode(NDArray latents) {
        NDArray z = latents.div(model.vae().config().scalingFactor()).toType(model.computeType(), false);
        return model.vae().decode(z).toType(DataType.FLOAT32, false).div(2f).add(0.5f).clip(0f, 1f);
    }

    private Map<String, Object> metadata(GenerationRequest req, String sampler, long seed) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("prompt", req.prompt());
        md.put("negativePrompt", req.negativePrompt());
        md.put("seed", seed);
        md.put("steps", req.steps());
        md.put("guidance", req.guidance());
        md.put("sampler", sampler);
        md.put("width", req.width());
        md.put("height", req.height());
        md.put("model", model.info().name());
        if (req.initImage() != null) {
            md.put("strength", req.strength());
        }
        md.put("concepts", req.concepts());
        return md;
    }

    @Override
    public void close() {
        model.close();
    }
}
