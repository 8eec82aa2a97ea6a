package dev.likeness.cli;

import dev.likeness.pipeline.CancelSignal;
import dev.likeness.pipeline.SdModel;
import dev.likeness.pipeline.StableDiffusion;
import dev.likeness.pipeline.layoutretouch.LayoutRetouch;
import dev.likeness.pipeline.layoutretouch.RetouchRequest;
import dev.likeness.util.Json;
import dev.likeness.util.PngFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retouch", description = "Paint a concept into an existing image (Layout-and-Retouch's stage 2 in "
        + "place): the layout is kept, the subject takes the concept's identity.")
final class RetouchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--image", required = true, paramLabel = "LAYOUT.png", description = "The layout to retouch")
    Path image;

    @Option(names = "--mask", paramLabel = "MASK.png",
            description = "Where to paint (white = change); default: the subject found from the prompt's attention")
    Path mask;

    @Option(names = "--concept", required = true, paramLabel = "CONCEPT",
            description = "The concept to paint in (library name, concept folder, or a TI embedding file)")
    String concept;

    @Option(names = "--prompt", required = true, description = "The scene, naming the concept by its token")
    String prompt;

    @Option(names = "--negative", defaultValue = "", description = "What to avoid (default: empty)")
    String negative;

    @Option(names = "--strength", defaultValue = "0.6", description = "Share of the steps re-run, 0..1 (default: ${DEFAULT-VALUE})")
    float strength;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    float guidance;

    @Option(names = "--seed", description = "Seed (used only when the concept has no references to sample one from; default: random, printed)")
    Long seed;

    @Mixin
    RetouchOptions retouch;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Output PNG (the layout's size)")
    Path out;

    @Override
    public Integer call() throws Exception {
        BufferedImage layout = GenerateCommand.readImage(image);
        BufferedImage maskImage = mask == null ? null : GenerateCommand.readImage(mask);
        long s = seed != null ? seed : new SecureRandom().nextInt(Integer.MAX_VALUE);
        RetouchRequest req = new RetouchRequest(prompt, negative, s, steps, guidance, strength, layout, maskImage,
                retouch.settings());
        try (SdModel m = model.load()) {
            if (m.info().demo()) {
                System.err.println("note: using the built-in demo model (random weights): images are noise patterns");
            }
            try (RetouchOptions.RetouchConcept applied = retouch.apply(m, concept)) {
                ProgressBar bar = new ProgressBar(System.err);
                LayoutRetouch.Output o = new LayoutRetouch(new StableDiffusion(m)).retouch(req, applied.concept(),
                        applied.references(), bar, new CancelSignal());
                bar.done();
                Map<String, Object> md = new LinkedHashMap<>(o.metadata());
                md.put("concepts", List.of(concept));
                PngFiles.write(out, o.image(), Json.write(md));
                System.out.println(out);
            }
            if (seed == null) {
                System.err.println("seed: " + s);
            }
        }
        return 0;
    }
}
