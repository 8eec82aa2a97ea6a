package dev.likeness.pipeline.layoutretouch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.likeness.engine.sched.Scheduler;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.Conditioning;
import dev.likeness.pipeline.DdimInversion;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ImageTensors;
import dev.likeness.pipeline.LatentTrajectory;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.PromptEncoder;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layout-and-Retouch end to end (methods.md §5): stage 1 draws a layout with step-blended sampling, stage 2
 * retouches it with the concept's reference images; or, for retouch in place, stage 2 alone on an existing image.
 * References are the concept's own images, DDIM-inverted with the subject prompt they are replayed with; a concept
 * without any gets one sampled from its token instead. A prompt may name several concepts (one subject mask and one
 * set of references each).
 */
public final class LayoutRetouch {
    /** Wall time of each phase, milliseconds. */
    public record Timings(long layoutMs, long inversionMs, long retouchMs) {
        public long totalMs() {
            return layoutMs + inversionMs + retouchMs;
        }
    }

    /**
     * One result.
     *
     * @param context  what stage 2 kept outside the subject: the stage-1 layout, or the given image
     * @param mask     where the result may differ from the context, per pixel in [0, 1]; null without blending
     */
    public record Output(BufferedImage image, BufferedImage context, float[] mask, long seed,
            Map<String, Object> metadata, Timings timings) {}

    private final StableDiffusion sd;
    private final SdModel model;
    private final PromptEncoder prompts;

    public LayoutRetouch(StableDiffusion sd) {
        this.sd = sd;
        this.model = sd.model();
        this.prompts = new PromptEncoder(model);
    }

    /** Stage 1 then stage 2, for each of the request's images (image k uses seed + k). */
    public List<Output> generate(LayoutRetouchRequest req, RetouchSubject concept, List<BufferedImage> references,
            ProgressListener listener, CancelSignal cancel) {
        return generate(req, RetouchSubjects.of(concept), List.of(references), listener, cancel);
    }

    /**
     * Stage 1 then stage 2 for a prompt naming several concepts: {@code references.get(k)} are subject k's images
     * (empty: one is sampled from its token); each subject's region of the layout takes its own references.
     */
    public List<Output> generate(LayoutRetouchRequest req, RetouchSubjects subjects,
            List<List<BufferedImage>> references, ProgressListener listener, CancelSignal cancel) {
        GenerationRequest g = req.generation();
        if (references.size() != subjects.size()) {
            throw new IllegalArgumentException(subjects.size() + " concepts, " + references.size()
                    + " reference lists");
        }
        subjects.requireIn(g.prompt());
        int steps = g.steps();
        int start = req.retouchStart();
        int refWork = 0;
        for (List<BufferedImage> own : references) {
            refWork += own.isEmpty() ? steps : own.size() * (steps - start);
        }
        Counter progress = new Counter(listener, refWork + g.count() * (steps + steps - start));
        List<Output> out = new ArrayList<>();
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            List<Retoucher.Source> refs = new ArrayList<>();
            try {
                for (int k = 0; k < subjects.size(); k++) {
                    for (Retoucher.Source s : references(references.get(k), subjects.get(k), g.width(), g.height(),
                            steps, start, g.seed(), m, progress, cancel)) {
                        refs.add(s.showing(k));
                    }
                }
                long inversionMs = millis(t0);
                Conditioning target = conditioning(g.prompt(), g.negativePrompt(), g.guidance(), m);
                StepBlendedSampler stage1 = new StepBlendedSampler(sd);
                for (int k = 0; k < g.count(); k++) {
                    long seed = g.seed() + k;
                    try (NDScope image = new NDScope()) {
                        long t1 = System.nanoTime();
                        try (StepBlendedSampler.Layout layout = stage1.sample(g, subjects, req.layoutSteps(), seed,
                                m, progress.next(steps), cancel)) {
                            long layoutMs = millis(t1);
                            BufferedImage context = ImageTensors.toImage(layout.pixels(), 0);
                            long t2 = System.nanoTime();
                            Retoucher.Result r = new Retoucher(model, req.settings()).run(
                                    DdimInversion.scheduler(model, steps, true), start, target,
                                    layoutSource(layout.trajectory(), subjects, g.prompt(), target,
                                            req.layoutSteps(), m), refs, null, seed, progress.next(steps - start),
                                    cancel);
                            BufferedImage made = decode(r.latents());
                            float[] mask = r.mask() == null ? null : SubjectMasks.nearest(r.mask(),
                                    (int) r.latents().getShape().get(2), (int) r.latents().getShape().get(3),
                                    g.height(), g.width());
                            BufferedImage result = mask == null ? made : ImageOps.composite(made, context, mask);
                            Timings times = new Timings(layoutMs, k == 0 ? inversionMs : 0, millis(t2));
                            Map<String, Object> md = metadata(g.prompt(), g.negativePrompt(), seed, steps,
                                    g.guidance(), subjects, refs, references, start, req.settings());
                            md.put("mode", "layout-retouch");
                            md.put("layoutSteps", req.layoutSteps());
                            md.put("layoutPrompt", req.layoutSteps() > 0 ? subjects.classPrompt(g.prompt())
                                    : g.prompt());
                            out.add(new Output(result, context, mask, seed, md, times));
                            r.latents().close();
                        }
                    }
                }
            } finally {
                refs.forEach(s -> s.latents().close());
            }
        }
        return out;
    }

    /**
     * The context branch of a stage-1 layout, replayed with the text each of its steps was made with: the class
     * prompt before λ₁ (base-model steps), the personal prompt's text states (those of {@code target}) from λ₁ on,
     * with the concept's token marking the subject there.
     */
    Retoucher.Source layoutSource(LatentTrajectory layout, RetouchSubject concept, String prompt,
            Conditioning target, int layoutSteps, NDManager m) {
        return layoutSource(layout, RetouchSubjects.of(concept), prompt, target, layoutSteps, m);
    }

    /** The context branch of several subjects, each marked by its own words. */
    Retoucher.Source layoutSource(LatentTrajectory layout, RetouchSubjects subjects, String prompt,
            Conditioning target, int layoutSteps, NDManager m) {
        List<int[]> personal = subjects.personalPositions(model, prompt);
        if (layoutSteps == 0 || !subjects.haveClassWords()) {
            return Retoucher.Source.context(layout, target.cond(), personal);
        }
        String classPrompt = subjects.classPrompt(prompt);
        return Retoucher.Source.switching(layout, prompts.encode(classPrompt, m),
                subjects.classPositions(model, prompt), layoutSteps, target.cond(), personal);
    }

    /** Stage 2 on an existing image: its DDIM inversion is the context branch. */
    public Output retouch(RetouchRequest req, RetouchSubject concept, List<BufferedImage> references,
            ProgressListener listener, CancelSignal cancel) {
        requireToken(concept, req.prompt());
        int w = req.workWidth();
        int h = req.workHeight();
        int steps = req.steps();
        int start = req.start();
        int lw = w / model.vaeScale();
        int lh = h / model.vaeScale();
        float[] userMask = req.mask() == null ? null : SubjectMasks.fromImage(req.mask(), req.layout().getWidth(),
                req.layout().getHeight());
        if (userMask != null && SubjectMasks.isEmpty(userMask)) {
            throw new IllegalArgumentException("the mask selects nothing to retouch");
        }
        Counter progress = new Counter(listener, (references.isEmpty() ? steps : references.size() * (steps - start))
                + 2 * (steps - start));
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            List<Retoucher.Source> refs = references(references, concept, w, h, steps, start, req.seed(), m,
                    progress, cancel);
            LatentTrajectory contextLatents = null;
            try {
                BufferedImage work = ImageTensors.resize(req.layout(), w, h);
                NDArray clean = sd.encodeMean(ImageTensors.toTensor(ImageOps.onGrey(work), m));
                String contextPrompt = concept.classWord().isEmpty() ? req.prompt()
                        : concept.classPrompt(req.prompt());
                NDArray contextText = prompts.encode(contextPrompt, m);
                // inverted with the text it is replayed with, so the replay retraces the inversion
                contextLatents = new DdimInversion(model).invert(clean, new Conditioning(null, contextText, 1f), steps,
                        start, progress.next(steps - start), cancel);
                long inversionMs = millis(t0);
                Retoucher.Source context = new Retoucher.Source(contextLatents, contextText,
                        TokenPositions.of(model, contextPrompt, concept.subjectWord()), null);
                float[] latentMask = userMask == null ? null : SubjectMasks.cover(userMask, req.layout().getHeight(),
                        req.layout().getWidth(), lh, lw);
                long t1 = System.nanoTime();
                Scheduler sched = DdimInversion.scheduler(model, steps, false);
                Retoucher.Result r = new Retoucher(model, req.settings()).run(sched, start,
                        conditioning(req.prompt(), req.negativePrompt(), req.guidance(), m), context, refs, latentMask,
                        req.seed(), progress.next(steps - start), cancel);
                BufferedImage made = ImageTensors.resize(decode(r.latents()), req.layout().getWidth(),
                        req.layout().getHeight());
                r.latents().close();
                float[] mask = userMask != null && req.settings().blend() ? userMask : r.mask() == null ? null
                        : SubjectMasks.nearest(r.mask(), lh, lw, req.layout().getHeight(), req.layout().getWidth());
                BufferedImage kept = ImageOps.onGrey(req.layout());
                BufferedImage result = mask == null ? made : ImageOps.composite(made, kept, mask);
                Map<String, Object> md = metadata(req.prompt(), req.negativePrompt(), req.seed(), steps,
                        req.guidance(), concept, refs.size(), references.isEmpty(), start, req.settings());
                md.put("mode", "retouch");
                md.put("strength", req.strength());
                md.put("mask", userMask != null ? "given" : mask != null ? "attention" : "none");
                return new Output(result, kept, mask, req.seed(), md, new Timings(0, inversionMs, millis(t1)));
            } finally {
                refs.forEach(s -> s.latents().close());
                if (contextLatents != null) {
                    contextLatents.close();
                }
            }
        }
    }

    /**
     * The reference branches: each image fitted to the working size, its alpha (if any) as its subject mask, and
     * DDIM-inverted with the subject prompt ("a photo of a dog") from step {@code start} on, the text it is replayed
     * with. With no images, one is sampled from the
     * concept's token (seeded by {@code seed}) and its own trajectory is the branch.
     */
    private List<Retoucher.Source> references(List<BufferedImage> images, RetouchSubject concept, int w, int h,
            int steps, int start, long seed, NDManager m, Counter progress, CancelSignal cancel) {
        String prompt = concept.subjectPrompt();
        NDArray text = prompts.encode(prompt, m);
        int[] subject = TokenPositions.of(model, prompt, concept.subjectWord());
        List<Retoucher.Source> out = new ArrayList<>();
        try {
            if (images.isEmpty()) {
                GenerationRequest self = GenerationRequest.of("a photo of " + concept.token(), w, h).withSeed(seed)
                        .withSteps(steps).withSampler("ddim").withoutInitImage();
                StepBlendedSampler.Layout layout = new StepBlendedSampler(sd).sample(self, concept, 0, seed, m,
                        progress.next(steps), cancel);
                out.add(new Retoucher.Source(layout.trajectory(), text, subject, null));
                return out;
            }
            DdimInversion inversion = new DdimInversion(model);
            Conditioning subjectText = new Conditioning(null, text, 1f); // inverted with the text it is replayed with
            int lw = w / model.vaeScale();
            int lh = h / model.vaeScale();
            for (BufferedImage img : images) {
                BufferedImage fitted = ImageOps.cover(img, w, h);
                float[] alpha = SubjectMasks.alpha(fitted);
                try (NDScope scope = new NDScope()) {
                    NDArray clean = sd.encodeMean(ImageTensors.toTensor(ImageOps.onGrey(fitted), m));
                    LatentTrajectory t = inversion.invert(clean, subjectText, steps, start,
                            progress.next(steps - start), cancel);
                    out.add(new Retoucher.Source(t, text, subject, alpha == null ? null
                            : SubjectMasks.average(alpha, h, w, lh, lw)));
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(s -> s.latents().close());
            throw e;
        }
    }

    /**
     * The target's text states, made as a generation makes them: the model's conditioning hooks see them, so a
     * Perfusion concept named in the prompt edits the target branch (and only it).
     */
    private Conditioning conditioning(String prompt, String negative, float guidance, NDManager m) {
        // text states only: the size and step count of this request are never read
        return sd.conditioning(GenerationRequest.of(prompt, 8, 8).withNegativePrompt(negative).withSteps(1)
                .withGuidance(guidance).withSampler("ddim").withoutInitImage(), m);
    }

    private BufferedImage decode(NDArray latents) {
        try (NDScope scope = new NDScope()) {
            return ImageTensors.toImage(sd.decode(latents), 0);
        }
    }

    private static void requireToken(RetouchSubject concept, String prompt) {
        if (!concept.isIn(prompt)) {
            throw new IllegalArgumentException("the prompt must name the concept with its token " + concept.token());
        }
    }

    private Map<String, Object> metadata(String prompt, String negative, long seed, int steps, float guidance,
            RetouchSubject concept, int references, boolean sampledReference, int start, RetouchSettings s) {
        Map<String, Object> md = common(prompt, negative, seed, steps, guidance);
        md.put("token", concept.token());
        md.put("classWord", concept.classWord());
        md.put("references", sampledReference ? "sampled" : String.valueOf(references));
        return stage2(md, start, s);
    }

    /** One subject: its token, class word and references as before; several: a list of each. */
    private Map<String, Object> metadata(String prompt, String negative, long seed, int steps, float guidance,
            RetouchSubjects subjects, List<Retoucher.Source> refs, List<List<BufferedImage>> given, int start,
            RetouchSettings s) {
        if (subjects.size() == 1) {
            return metadata(prompt, negative, seed, steps, guidance, subjects.get(0), refs.size(),
                    given.get(0).isEmpty(), start, s);
        }
        Map<String, Object> md = common(prompt, negative, seed, steps, guidance);
        List<String> tokens = new ArrayList<>();
        List<String> classWords = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        for (int k = 0; k < subjects.size(); k++) {
            tokens.add(subjects.get(k).token());
            classWords.add(subjects.get(k).classWord());
            counts.add(given.get(k).isEmpty() ? "sampled" : String.valueOf(given.get(k).size()));
        }
        md.put("token", tokens);
        md.put("classWord", classWords);
        md.put("references", counts);
        return stage2(md, start, s);
    }

    private Map<String, Object> common(String prompt, String negative, long seed, int steps, float guidance) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("prompt", prompt);
        md.put("negativePrompt", negative);
        md.put("seed", seed);
        md.put("steps", steps);
        md.put("guidance", guidance);
        md.put("sampler", "ddim");
        md.put("model", model.info().name());
        return md;
    }

    private static Map<String, Object> stage2(Map<String, Object> md, int start, RetouchSettings s) {
        md.put("retouchStart", start);
        md.put("swap", s.swap());
        md.put("maskedSwap", s.maskedSwap());
        md.put("blend", s.blend());
        md.put("swapFrom", s.swapFrom());
        md.put("swapUntil", s.swapUntil());
        return md;
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** Hands out consecutive slices of one progress bar. */
    private static final class Counter {
        private final ProgressListener listener;
        private final int total;
        private int offset;

        Counter(ProgressListener listener, int total) {
            this.listener = listener;
            this.total = total;
        }

        StableDiffusion.Progress next(int steps) {
            StableDiffusion.Progress p = new StableDiffusion.Progress(listener, offset, total);
            offset += steps;
            return p;
        }
    }
}
