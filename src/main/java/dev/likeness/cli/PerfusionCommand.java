package dev.likeness.cli;

import dev.likeness.methods.perfusion.CaptionCorpus;
import dev.likeness.methods.perfusion.Covariance;
import dev.likeness.methods.perfusion.CovarianceEstimator;
import dev.likeness.methods.perfusion.CovarianceStore;
import dev.likeness.pipeline.SdModel;
import dev.likeness.util.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "perfusion", description = "Perfusion set-up.", subcommands = PerfusionCommand.CovarianceCommand.class)
final class PerfusionCommand {
    @Command(name = "covariance", description = "Compute the inverse covariance C^-1 of the model's text encoder "
            + "outputs from captions (float64) and keep it in the user cache, keyed by the text encoder's fingerprint "
            + "(never in the model's folder). Perfusion concepts are trained and used with it.")
    static final class CovarianceCommand implements Callable<Integer> {
        @Mixin
        ModelOptions model;

        @Option(names = "--captions", paramLabel = "FILE",
                description = "Captions, one per line (default: the 6,000 captions that ship with Likeness; a larger "
                        + "corpus, e.g. 100,000 captions, gives a better estimate)")
        Path captions;

        @Override
        public Integer call() throws Exception {
            CaptionCorpus corpus = captions != null ? CaptionCorpus.read(captions) : CaptionCorpus.defaultCorpus();
            try (SdModel sd = model.load()) {
                ProgressBar bar = new ProgressBar(System.err);
                Covariance c = CovarianceEstimator.estimate(sd, corpus.captions(), corpus.sha256(), bar);
                bar.done();
                Path file = CovarianceStore.save(c);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("file", file.toString());
                out.put("id", c.id());
                out.put("dim", c.dim());
                out.put("captions", c.captions());
                out.put("vectors", c.vectors());
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }
}
