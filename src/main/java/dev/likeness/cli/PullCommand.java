package dev.likeness.cli;

import dev.likeness.server.models.ModelCatalog;
import dev.likeness.server.models.ModelDownloader;
import dev.likeness.server.security.SafeName;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code likeness pull NAME|URL}: download a model into the models folder, resumable and sha256-verified. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model (a name from models/catalog.json, or an https URL of a .safetensors file).",
                "Interrupted downloads resume; files are verified with sha256 before they are installed."})
public final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|URL", description = "Catalog name (e.g. sd15) or URL.")
    String what;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "Where models go. Default: models/ of this checkout, or $LIKENESS_MODELS.")
    Path modelsDir;

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "Model catalog. Default: catalog.json in the models folder.")
    Path catalogFile;

    @Option(names = "--sha256", paramLabel = "HEX", description = "Expected sha256 of a file given by URL.")
    String sha256;

    @Option(names = "--file", paramLabel = "NAME", description = "File name to save a URL download as.")
    String fileName;

    @Option(names = "--insecure-skip-verify",
            description = "Install even when no sha256 is known. The file is still never executed, but you "
                    + "cannot know it is the file you meant.")
    boolean skipVerify;

    private final HttpClient client;

    public PullCommand() {
        this(ModelDownloader.defaultClient());
    }

    PullCommand(HttpClient client) {
        this.client = client;
    }

    private Path models() {
        return modelsDir != null ? modelsDir : ModelLocator.modelsDir();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            URI url;
            String name;
            String expected;
            ModelCatalog.Entry known;
            if (what.contains("://")) {
                url = URI.create(what);
                String last = url.getPath() == null ? "" : url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
                name = fileName != null ? fileName : last;
                known = catalogOrEmpty().byUrl(what).orElse(null);
                expected = sha256 != null ? sha256 : known == null ? null : known.sha256();
            } else {
                ModelCatalog catalog = catalog();
                ModelCatalog.Entry entry = catalog.byName(what).orElseThrow(() -> new IllegalArgumentException(
                        "'" + what + "' is not in the catalog; known: "
                                + catalog.models().stream().map(ModelCatalog.Entry::name).toList()));
                url = URI.create(entry.url());
                name = entry.file();
                known = entry;
                expected = sha256 != null ? sha256 : entry.sha256();
            }
            checkFileName(name);
            if (expected != null && !expected.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("the sha256 must be 64 hex digits");
            }
            DownloadProgressBar bar = new DownloadProgressBar(err, name);
            ModelDownloader.Result r = new ModelDownloader(client).download(url, models().resolve(name), expected,
                    skipVerify, bar::update);
            bar.finish();
            if (known != null && expected != null && expected.equalsIgnoreCase(known.sha256())) {
                writePullRecord(r.file(), known, r.sha256());
            }
            out.println((r.alreadyPresent() ? "already installed: " : "installed: ") + r.file() + " (sha256 "
                    + r.sha256() + (expected == null ? ", NOT verified" : ", verified") + ")");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        } catch (Exception e) {
            err.println();
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            return 1;
        }
    }

    /**
     * Beside a verified catalog file: which entry it is, so the loader knows what the file cannot say (an SD 2.x
     * file's prediction type) and `models list` can show the catalog name.
     */
    static void writePullRecord(Path file, ModelCatalog.Entry entry, String sha256) throws java.io.IOException {
        java.util.Map<String, Object> record = new java.util.LinkedHashMap<>();
        record.put("catalog", entry.name());
        record.put("family", entry.family());
        if (entry.predictionType() != null) {
            record.put("prediction_type", entry.predictionType());
        }
        record.put("sha256", sha256);
        dev.likeness.util.AtomicFiles.writeString(
                file.resolveSibling(file.getFileName() + dev.likeness.engine.weights.CheckpointLoader.PULL_RECORD_SUFFIX),
                dev.likeness.util.Json.write(record));
    }

    private ModelCatalog catalogOrEmpty() {
        try {
            return catalog();
        } catch (java.io.IOException e) {
            return new ModelCatalog(1, java.util.List.of());
        }
    }

    private ModelCatalog catalog() throws java.io.IOException {
        return ModelCatalog.read(catalogFile != null ? catalogFile : models().resolve("catalog.json"));
    }

    static void checkFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".ckpt") || lower.endsWith(".pt") || lower.endsWith(".pth") || lower.endsWith(".bin")) {
            throw new IllegalArgumentException("pickle checkpoints (.ckpt/.pt/.bin) can execute code when loaded; "
                    + "only .safetensors files are accepted");
        }
        if (!lower.endsWith(".safetensors")) {
            throw new IllegalArgumentException("only .safetensors files can be pulled (got '" + name + "')");
        }
        SafeName.model("file", name);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PullCommand()).execute(args));
    }
}
