package dev.likeness.cli;

import dev.likeness.server.EngineBinding;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.config.Limits;
import dev.likeness.server.jobs.LoadModelRunner;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.util.AppDirs;
import dev.likeness.server.security.HostCheck;
import dev.likeness.server.security.SecretFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code likeness serve}: the local bridge server for the GIMP and Krita plug-ins. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the local bridge server (HTTP on loopback, plus a Py4J gateway).",
                "Clients find the port and the access token in runtime.json in the data folder (owner-only)."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "PATH",
            description = "Model to serve: a .safetensors file (bare single files included), a diffusers folder, a name"
                    + " under models/ or a pulled catalog name such as sd15. Default: the built-in demo model.")
    String model;

    @Option(names = "--port", paramLabel = "N", defaultValue = "7487",
            description = "HTTP port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE}. Anything but loopback needs --allow-remote.")
    String host;

    @Option(names = "--allow-remote",
            description = "Allow listening on a non-loopback address. Every request still needs the token.")
    boolean allowRemote;

    @Option(names = "--allow-host", paramLabel = "NAME",
            description = "Extra name accepted in the Host header (e.g. this machine's LAN name). Repeatable.")
    List<String> allowHosts = List.of();

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "Browser origin allowed to call the API, matched exactly (e.g. http://localhost:8080). "
                    + "Default: none.")
    List<String> allowOrigins = List.of();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Jobs, uploads, runtime.json and (given this) the concepts. Default: the user config "
                    + "folder (~/.config/likeness), with the concept library the CLI uses ($LIKENESS_CONCEPTS).")
    Path dataDir;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "Folder of downloaded models. Default: models/ of this checkout, or $LIKENESS_MODELS.")
    Path modelsDir;

    @Option(names = "--py4j-port", paramLabel = "N", defaultValue = "0",
            description = "Py4J gateway port on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}.")
    int py4jPort;

    @Option(names = "--no-py4j", description = "Do not start the Py4J gateway.")
    boolean noPy4j;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "48",
            description = "Largest accepted image upload. Default: ${DEFAULT-VALUE}.")
    int maxUploadMb;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--no-local-worker",
            description = "With --store: only a front (HTTP and Py4J for the editors); jobs run on `likeness worker`s.")
    boolean noLocalWorker;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "With --store: the access token every front of the studio shares (owner-only file, one "
                    + "line, 32+ characters), so an editor given several fronts can move to another.")
    Path tokenFile;

    private final EngineBinding engine;

    /** {@code engine} supplies model loading and the personalize/retouch runners. */
    public ServeCommand(EngineBinding engine) {
        this.engine = engine;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try {
            ServerConfig config = config();
            if (tokenFile != null && !store.enabled()) {
                err.println("error: --token-file is for a studio's fronts (with --store); a single server makes its "
                        + "own token");
                return 2;
            }
            if (!HostCheck.isLoopback(host)) {
                if (!allowRemote) {
                    err.println("error: refusing to listen on " + host + " without --allow-remote "
                            + "(the default 127.0.0.1 is reachable only from this machine)");
                    return 2;
                }
                err.println("WARNING: listening on " + host + ". Anyone who can reach this machine and knows the token "
                        + "can use the server, and HTTP traffic is not encrypted. Keep the token in "
                        + config.runtimeFile() + " secret.");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            LikenessServer server = LikenessServer.start(config, engine, store.enabled()
                    ? new LikenessServer.Studio(store.settings(StoreOptions.device()), !noLocalWorker,
                            model == null ? LoadModelRunner.DEMO : model,
                            tokenFile == null ? null : SecretFile.read(tokenFile, "--token-file")) : null);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    System.err.println("error while stopping: " + e.getMessage());
                } finally {
                    stopped.countDown();
                }
            }, "likeness-shutdown"));
            out.println("Likeness listening on http://" + host + ":" + server.port()
                    + (server.py4jPort() > 0 ? ", Py4J gateway on 127.0.0.1:" + server.py4jPort() : "")
                    + "; port and token are in " + config.runtimeFile());
            out.println("Web page: http://" + host + ":" + server.port() + "/ (log in with the token)");
            out.flush();
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            return 1;
        }
    }

    ServerConfig config() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        Path served;
        try {
            served = model == null ? null : ModelLocator.resolve(model);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Path data = dataDir != null ? dataDir : AppDirs.configDir();
        ServerConfig config = ServerConfig.defaults(data);
        if (store.enabled() && store.shared != null) {
            config = store.withSharedConcepts(config);
        } else if (dataDir == null) {
            config = config.withConceptsDir(AppDirs.conceptsDir());
        }
        return config
                .withHost(host, allowRemote)
                .withPort(port)
                .withAllowedHosts(new LinkedHashSet<>(allowHosts))
                .withAllowedOrigins(new LinkedHashSet<>(allowOrigins))
                .withModelsDir(modelsDir != null ? modelsDir : ModelLocator.modelsDir())
                .withModel(served == null ? null : served.toAbsolutePath())
                .withPy4jPort(noPy4j ? -1 : py4jPort)
                .withLimits(Limits.defaults().withMaxUploadBytes((long) maxUploadMb << 20));
    }
}
