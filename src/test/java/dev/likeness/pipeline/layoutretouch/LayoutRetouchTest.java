package dev.likeness.pipeline.layoutretouch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.engine.nn.Attention;
import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole mode on the tiny model: retouch in place keeps everything outside the mask; cost beside plain sampling. */
class LayoutRetouchTest {
    private static final String PROMPT = "a photo of " + TinyConcepts.TOKEN + " on a sofa";

    @Test
    void retouchInPlaceChangesOnlyTheMaskedRegion() throws Exception {
        try (SdModel model = TinyConcepts.model()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject concept = TinyConcepts.dog(model);
            LayoutRetouch lr = new LayoutRetouch(sd);
            BufferedImage layout = scene(60, 52); // not a multiple of 8: worked at 64×56, returned at 60×52
            BufferedImage mask = new BufferedImage(60, 52, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = mask.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(10, 8, 30, 30);
            g.dispose();
            List<BufferedImage> refs = List.of(TestImages.subject(64, 0), TestImages.subject(64, 1));

            LayoutRetouch.Output given = lr.retouch(new RetouchRequest(PROMPT, "", 1, 20, 7.5f, 0.6f, layout, mask,
                    null), concept, refs, ProgressListener.NONE, CancelSignal.none());
            Diff d = diff(given.image(), layout, given.mask());
            System.out.printf("retouch in place, given mask: background max |Δ| %d/255, masked mean |Δ| %.1f/255%n",
                    d.backgroundMax, d.maskedMean);
            assertEquals(60, given.image().getWidth());
            assertEquals(52, given.image().getHeight());
            assertTrue(d.backgroundMax <= 1, "background changed by " + d.backgroundMax + "/255");
            assertTrue(d.maskedMean > 2, "the masked region is retouched: " + d.maskedMean);

            LayoutRetouch.Output found = lr.retouch(new RetouchRequest(PROMPT, "", 1, 20, 7.5f, 0.6f, layout, null,
                    null), concept, refs, ProgressListener.NONE, CancelSignal.none());
            Diff a = diff(found.image(), layout, found.mask());
            System.out.printf("retouch in place, mask from attention (%.0f%% of the image): background max |Δ| "
                    + "%d/255, masked mean |Δ| %.1f/255%n", 100 * a.maskedShare, a.backgroundMax, a.maskedMean);
            assertTrue(a.backgroundMax <= 1 && a.maskedShare > 0 && a.maskedMean > 0);
            assertEquals("attention", found.metadata().get("mask"));

            BufferedImage black = new BufferedImage(60, 52, BufferedImage.TYPE_INT_RGB);
            assertThrows(IllegalArgumentException.class, () -> lr.retouch(new RetouchRequest(PROMPT, "", 1, 20, 7.5f,
                    0.6f, layout, black, null), concept, refs, ProgressListener.NONE, CancelSignal.none()));
            assertThrows(IllegalArgumentException.class, () -> lr.retouch(new RetouchRequest("a dog", "", 1, 20, 7.5f,
                    0.6f, layout, null, null), concept, refs, ProgressListener.NONE, CancelSignal.none()));
        }
    }

    @Test
    void costPerImageBesidePlainSampling() throws Exception {
        int steps = 50;
        int lambda = 15;
        try (SdModel model = TinyConcepts.model()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject concept = TinyConcepts.dog(model);
            LayoutRetouch lr = new LayoutRetouch(sd);
            GenerationRequest req = new GenerationRequest(PROMPT, "", 9, steps, 7.5f, "ddim", 64, 64, 1, null, 1f,
                    List.of());
            List<BufferedImage> refs = List.of(TestImages.subject(64, 0));
            sd.generate(new GenerationRequest(PROMPT, "", 9, 2, 7.5f, "ddim", 64, 64, 1, null, 1f, List.of()),
                    ProgressListener.NONE, CancelSignal.none()); // warm-up
            long[] rows = new long[1];
            Attention first = model.unet().attentionLayers().values().iterator().next();
            first.setProcessor((a, h, c, mask) -> {
                rows[0] += h.getShape().get(0);
                return Attention.STANDARD.process(a, h, c, mask);
            });
            long t0 = System.nanoTime();
            sd.generate(req, ProgressListener.NONE, CancelSignal.none());
            long plainMs = (System.nanoTime() - t0) / 1_000_000;
            long plainRows = rows[0];
            int[] seen = new int[2];
            rows[0] = 0;
            LayoutRetouch.Output o = lr.generate(new LayoutRetouchRequest(req, lambda, null, null), concept, refs,
                    (step, total, msg) -> { seen[0] = step; seen[1] = total; }, CancelSignal.none()).get(0);
            long layoutRows = rows[0];
            assertEquals(seen[1], seen[0], "the progress reaches its total");
            assertEquals("layout-retouch", o.metadata().get("mode"));
            assertEquals("a photo of dog on a sofa", o.metadata().get("layoutPrompt"));
            Diff d = diff(o.image(), o.context(), o.mask());
            assertTrue(d.backgroundMax <= 1, "layout-retouch keeps the layout's background: " + d.backgroundMax);
            rows[0] = 0;
            LayoutRetouch.Output r = lr.retouch(new RetouchRequest(PROMPT, "", 9, steps, 7.5f, 0.6f, o.context(), null,
                    null), concept, refs, ProgressListener.NONE, CancelSignal.none());
            long retouchRows = rows[0];
            first.setProcessor(null);
            // UNet rows: plain 2 per step (CFG); stage 1 the same; each inversion 1 per inverted step; stage 2 per step
            // 2 per source (context + references, CFG) plus the target's 2.
            int start = Math.min(lambda, steps - (int) (steps * 0.6f));
            assertEquals(2L * steps, plainRows);
            assertEquals(2L * steps + (steps - start) + (steps - start) * (2L * 2 + 2), layoutRows);
            int retouchStart = steps - (int) (steps * 0.6f);
            assertEquals(2L * (steps - retouchStart) + (steps - retouchStart) * (2L * 2 + 2), retouchRows);
            LayoutRetouch.Timings lt = o.timings();
            LayoutRetouch.Timings rt = r.timings();
            System.out.printf("cost per 64×64 image, %d DDIM steps, 1 reference, tiny SD1 on CPU: plain %d ms (%d UNet "
                    + "rows); layout-retouch λ₁ = %d: %d ms (layout %d + reference inversion %d + retouch %d) = %.1f× "
                    + "plain (%d rows = %.2f×); retouch in place at strength 0.6: %d ms (inversions %d + retouch %d) "
                    + "= %.1f× plain (%d rows = %.2f×)%n", steps, plainMs, plainRows, lambda, lt.totalMs(),
                    lt.layoutMs(), lt.inversionMs(), lt.retouchMs(), lt.totalMs() / (double) plainMs, layoutRows,
                    layoutRows / (double) plainRows, rt.totalMs(), rt.inversionMs(), rt.retouchMs(),
                    rt.totalMs() / (double) plainMs, retouchRows, retouchRows / (double) plainRows);
        }
    }

    @Test
    void twoConceptsEachRetouchedWithTheirOwnReferences() throws Exception {
        try (SdModel model = TinyConcepts.model()) {
            StableDiffusion sd = new StableDiffusion(model);
            RetouchSubject dog = TinyConcepts.dog(model);
            RetouchSubject cat = new RetouchSubject("<sks-cat>", "cat", dev.likeness.pipeline.ConceptSwitch.PROMPT_ONLY);
            int catWord = model.tokenizer().tokenizeWord("cat").get(0);
            model.conceptTokens().put(cat.token(), model.textEncoder().tokenEmbedding().get(catWord).expandDims(0));
            RetouchSubjects both = new RetouchSubjects(List.of(dog, cat));
            LayoutRetouch lr = new LayoutRetouch(sd);
            String prompt = "a photo of " + dog.token() + " and " + cat.token() + " on a sofa";
            LayoutRetouchRequest req = new LayoutRetouchRequest(TinyConcepts.request(prompt, 3, 10), 3, null, null);
            List<BufferedImage> dogRefs = List.of(TestImages.subject(64, 0));
            List<BufferedImage> catRefs = List.of(TestImages.subject(64, 3));
            int[] seen = new int[2];
            LayoutRetouch.Output o = lr.generate(req, both, List.of(dogRefs, catRefs),
                    (step, total, msg) -> { seen[0] = step; seen[1] = total; }, CancelSignal.none()).get(0);
            assertEquals(seen[1], seen[0], "the progress reaches its total");
            assertEquals(List.of(dog.token(), cat.token()), o.metadata().get("token"));
            assertEquals(List.of("1", "1"), o.metadata().get("references"));
            assertEquals("a photo of dog and cat on a sofa", o.metadata().get("layoutPrompt"));
            Diff d = diff(o.image(), o.context(), o.mask());
            assertTrue(d.backgroundMax <= 1 && d.maskedShare > 0, "outside both subjects the layout is kept");

            // the references reach the subject they belong to: handing them the other way round changes the image
            LayoutRetouch.Output swapped = lr.generate(req, both, List.of(catRefs, dogRefs), ProgressListener.NONE,
                    CancelSignal.none()).get(0);
            Diff e = diff(swapped.image(), o.image(), new float[64 * 64]);
            assertTrue(e.backgroundMax > 2, "each subject takes its own references: " + e.backgroundMax);
            assertThrows(IllegalArgumentException.class, () -> lr.generate(new LayoutRetouchRequest(
                    TinyConcepts.request("a photo of " + dog.token(), 3, 10), 3, null, null), both,
                    List.of(dogRefs, catRefs), ProgressListener.NONE, CancelSignal.none()), "the prompt names both");
        }
    }

    /** Sky, ground and a box: an image with structure to keep. */
    private static BufferedImage scene(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(120, 170, 230));
        g.fillRect(0, 0, w, h / 2);
        g.setColor(new Color(90, 140, 60));
        g.fillRect(0, h / 2, w, h - h / 2);
        g.setColor(new Color(150, 90, 60));
        g.fillRect(w / 3, h / 3, w / 3, h / 3);
        g.dispose();
        return img;
    }

    private record Diff(int backgroundMax, double maskedMean, double maskedShare) {}

    private static Diff diff(BufferedImage out, BufferedImage context, float[] mask) {
        int w = context.getWidth();
        int bgMax = 0;
        double fgSum = 0;
        int fg = 0;
        for (int i = 0; i < mask.length; i++) {
            int a = out.getRGB(i % w, i / w);
            int b = context.getRGB(i % w, i / w);
            int d = 0;
            for (int s = 0; s <= 16; s += 8) {
                d = Math.max(d, Math.abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF)));
            }
            if (mask[i] <= 0) {
                bgMax = Math.max(bgMax, d);
            } else {
                fgSum += d;
                fg++;
            }
        }
        return new Diff(bgMax, fg == 0 ? 0 : fgSum / fg, fg / (double) mask.length);
    }
}
