package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.engine.sched.Scheduler;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.Conditioning;
import dev.likeness.pipeline.DenoiseLoop;
import dev.likeness.pipeline.LatentTrajectory;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 2 of Layout-and-Retouch (methods.md §5.2): the target branch is sampled from the context's latents while
 * the sources (the context, then the references) are replayed from their trajectories. Each step runs a source
 * pass (the sources' noisy latents through the UNet, keeping their self-attention K/V and their subject's
 * cross-attention maps) and then the target pass, whose self-attention in the swap layers attends to the sources.
 * With blending, the target's latents outside the subject mask are reset to the context's after every step.
 * Several subjects: the context marks each by its own words, each reference shows one of them, and each subject's
 * region of the target takes its own references' appearance; blending keeps the union of their masks.
 */
public final class Retoucher {
    /**
     * One source branch.
     *
     * @param latents    its trajectory, replayed step by step (must cover the run's steps)
     * @param text       its conditional text states (1, 77, hidden)
     * @param subjects   per subject it shows, the positions of that subject's tokens in {@code text} (whose
     *                   attention maps mark the subject): one for a reference, one per subject for the context
     * @param knownMask  its subject mask at latent size, or null to read it from the attention maps (references)
     * @param shows      which subject a reference shows (index into the context's subjects)
     */
    public record Source(LatentTrajectory latents, NDArray text, List<int[]> subjects, float[] knownMask, int shows,
            int switchStep, NDArray laterText, List<int[]> laterSubjects) {
        /** A source replayed with one text throughout, showing subject 0. */
        public Source(LatentTrajectory latents, NDArray text, int[] subject, float[] knownMask) {
            this(latents, text, List.of(subject), knownMask, 0, Integer.MAX_VALUE, null, null);
        }

        /** A reference showing subject {@code index} of the context. */
        public Source showing(int index) {
            return new Source(latents, text, subjects, knownMask, index, switchStep, laterText, laterSubjects);
        }

        /**
         * A source whose trajectory was made with {@code text} before step {@code switchStep} and with
         * {@code laterText} from it on (a stage-1 layout: the class prompt, then the personal prompt from λ₁).
         */
        public static Source switching(LatentTrajectory latents, NDArray text, int[] subject, int switchStep,
                NDArray laterText, int[] laterSubject) {
            return switching(latents, text, List.of(subject), switchStep, laterText, List.of(laterSubject));
        }

        /** {@link #switching(LatentTrajectory, NDArray, int[], int, NDArray, int[])} for several subjects. */
        public static Source switching(LatentTrajectory latents, NDArray text, List<int[]> subjects, int switchStep,
                NDArray laterText, List<int[]> laterSubjects) {
            return new Source(latents, text, subjects, null, 0, switchStep, laterText, laterSubjects);
        }

        /** A context of several subjects replayed with one text throughout. */
        public static Source context(LatentTrajectory latents, NDArray text, List<int[]> subjects) {
            return new Source(latents, text, subjects, null, 0, Integer.MAX_VALUE, null, null);
        }

        /** The text states its step {@code i} was made with. */
        public NDArray text(int i) {
            return i >= switchStep ? laterText : text;
        }

        /** Per subject, its token positions in {@link #text(int)}. */
        public List<int[]> subjects(int i) {
            return i >= switchStep ? laterSubjects : subjects;
        }
    }

    /** The final target latents and the subject mask (latent size) blending used last, null without blending. */
    public record Result(NDArray latents, float[] mask) {}

    private final SdModel model;
    private final RetouchSettings settings;
    private final DenoiseLoop loop;

    public Retoucher(SdModel model, RetouchSettings settings) {
        this.model = model;
        this.settings = settings;
        this.loop = new DenoiseLoop(model.unet());
    }

    /**
     * Samples the target from {@code context.latents().at(start)} to the end of {@code sched} (a fresh DDIM run).
     *
     * @param target the target's conditioning (its prompt and the negative prompt)
     * @param context source 0: what the target keeps outside the subject
     * @param references the subject's reference images (may be empty)
     * @param targetMask the target's subject mask at latent size (the user's), or null to read it from the
     *     context's attention maps
     */
    public Result run(Scheduler sched, int start, Conditioning target, Source context, List<Source> references,
            float[] targetMask, long seed, StableDiffusion.Progress progress, CancelSignal cancel) {
        int steps = sched.timesteps().length;
        UNet2DCondition unet = model.unet();
        int levels = unet.config().blockOutChannels().length;
        NDArray first = context.latents().at(start);
        int h = (int) first.getShape().get(2);
        int w = (int) first.getShape().get(3);
        List<Source> sources = new ArrayList<>();
        sources.add(context);
        sources.addAll(references);
        SourceBatch batch = new SourceBatch(sources.size(), target.guided());
        if (start < 0 || start >= steps) {
            throw new IllegalArgumentException("stage 2 starts at step " + start + " of " + steps);
        }
        int swapStart = Math.max(start, settings.swapStart(steps));
        int swapEnd = settings.swapEnd(steps);
        boolean anySwap = settings.swap() && swapStart < swapEnd;
        boolean maskedSwap = anySwap && settings.maskedSwap();
        boolean mapsNeeded = targetMask == null && (settings.blend() || maskedSwap)
                || maskedSwap && references.stream().anyMatch(r -> r.knownMask() == null);
        int subjects = context.subjects().size();
        if (targetMask != null && subjects != 1) {
            throw new IllegalArgumentException("a given mask marks one subject, not " + subjects);
        }
        int[] shows = new int[references.size()];
        for (int r = 0; r < shows.length; r++) {
            shows[r] = references.get(r).shows();
            if (shows[r] < 0 || shows[r] >= subjects) {
                throw new IllegalArgumentException("reference " + r + " shows subject " + shows[r] + " of "
                        + subjects);
            }
        }

        TorchGenerator gen = new TorchGenerator(seed);
        sched.setBeginIndex(start);
        float[] mask = null;
        try (AttentionSwap swap = anySwap ? AttentionSwap.install(UNetLayers.swapLayers(unet,
                settings.swapBlocks()), levels, h, w) : null;
                CrossAttentionStore store = mapsNeeded ? maskStore(unet, levels, h, w) : null) {
            NDArray current = first;
            for (int i = start; i < steps; i++) {
                cancel.throwIfCancelled();
                if (store != null) { // each source's subject words in the text of this step
                    List<List<int[]>> positions = new ArrayList<>();
                    for (Source s : sources) {
                        positions.add(s.subjects(i));
                    }
                    store.entries(batch.condRow(), positions, (int) context.text().getShape().get(1));
                }
                boolean swapping = anySwap && i >= swapStart && i < swapEnd;
                NDArray next;
                try (NDScope scope = new NDScope()) {
                    if (swapping || store != null) {
                        sourcePass(sources, batch, target, sched, i, swap, swapping, store);
                    }
                    List<float[]> subjectMasks = targetMask != null ? List.of(targetMask) : store != null
                            ? subjectMasks(store, subjects, h, w) : null;
                    float[] stepMask = subjectMasks == null ? null : SubjectMasks.union(subjectMasks);
                    if (swapping) {
                        swap.swap(settings.maskedSwap() && stepMask != null ? new SwapMasks(h, w, subjectMasks,
                                referenceMasks(references, store, subjects, h, w), shows) : null);
                    }
                    NDArray eps = loop.predict(current, sched, i, target);
                    if (swap != null) {
                        swap.pass();
                    }
                    next = sched.step(eps, i, current, gen);
                    if (settings.blend() && stepMask != null) {
                        mask = stepMask;
                        NDArray keep = context.latents().at(i + 1);
                        NDArray m = SubjectMasks.toArray(stepMask, h, w, next.getManager());
                        next = keep.add(next.sub(keep).mul(m));
                    }
                    NDScope.unregister(next);
                }
                if (current != first) {
                    current.close();
                }
                current = next;
                progress.listener().onProgress(progress.offset() + i - start + 1, progress.total(), "retouching");
            }
            return new Result(current, mask);
        }
    }

    private CrossAttentionStore maskStore(UNet2DCondition unet, int levels, int h, int w) {
        var layers = UNetLayers.maskLayers(unet, settings.maskDownscale());
        int d = UNetLayers.downscale(layers.get(0).path(), levels);
        return CrossAttentionStore.install(layers, UNetLayers.side(h, d), UNetLayers.side(w, d));
    }

    private float[] fromMaps(CrossAttentionStore store, int row, int h, int w) {
        return SubjectMasks.fromAttention(store.map(row), store.mapH(), store.mapW(), h, w,
                settings.maskThreshold(), settings.maskDilation());
    }

    /** Each subject's mask in the target, from the context's maps (the store's first {@code subjects} maps). */
    private List<float[]> subjectMasks(CrossAttentionStore store, int subjects, int h, int w) {
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < subjects; k++) {
            out.add(fromMaps(store, k, h, w));
        }
        return out;
    }

    /** Each reference's subject mask: its own, else from its map (the store's maps after the context's). */
    private List<float[]> referenceMasks(List<Source> references, CrossAttentionStore store, int subjects, int h,
            int w) {
        List<float[]> out = new ArrayList<>();
        for (int r = 0; r < references.size(); r++) {
            float[] known = references.get(r).knownMask();
            int map = subjects + r;
            out.add(known != null ? known : store != null && store.has(map) ? fromMaps(store, map, h, w) : null);
        }
        return out;
    }

    /** The sources at step {@code i} through the UNet: K/V kept by the swap, subject maps by the store. */
    private void sourcePass(List<Source> sources, SourceBatch batch, Conditioning target, Scheduler sched, int i,
            AttentionSwap swap, boolean swapping, CrossAttentionStore store) {
        NDList latents = new NDList();
        NDList texts = new NDList();
        for (int half = 0; half < batch.halves(); half++) {
            for (Source s : sources) {
                latents.add(s.latents().at(i));
                texts.add(batch.guided() && half == 0 ? target.uncond() : s.text(i));
            }
        }
        NDArray input = sched.scaleModelInput(NDArrays.concat(latents, 0), i);
        NDArray context = NDArrays.concat(texts, 0);
        NDManager m = input.getManager();
        NDArray t = m.create(new float[] {sched.modelTimesteps()[i]});
        if (swapping) {
            swap.capture(batch);
        }
        if (store != null) {
            store.record();
        }
        try {
            model.unet().forward(input.toType(context.getDataType(), false), t, context);
        } finally {
            if (store != null) {
                store.pause();
            }
        }
    }
}
