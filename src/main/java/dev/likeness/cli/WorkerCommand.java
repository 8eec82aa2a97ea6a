package dev.likeness.cli;

import dev.likeness.server.EngineBinding;
import dev.likeness.server.LikenessWorker;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.jobs.LoadModelRunner;
import dev.likeness.server.store.StoreSettings;
import dev.likeness.util.AppDirs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code likeness worker}: a studio GPU worker taking jobs from the shared store (no HTTP). */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run jobs from a studio's shared queue (PostgreSQL, see serve --store). Any number of workers "
                + "on any number of machines; a stopped or killed worker's job goes to another."})
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--model", paramLabel = "PATH",
            description = "Model this worker starts on (as serve --model). Jobs naming another model make it switch.")
    String model;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "This worker's scratch folder (jobs being run). Default: the user config folder.")
    Path dataDir;

    @Option(names = "--models-dir", paramLabel = "DIR", description = "Folder of downloaded models.")
    Path modelsDir;

    private final EngineBinding engine;

    public WorkerCommand(EngineBinding engine) {
        this.engine = engine;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!store.enabled()) {
            throw new IllegalArgumentException("worker needs --store postgresql://user@host:5432/likeness");
        }
        Path served = model == null ? null : ModelLocator.resolve(model);
        Path data = dataDir != null ? dataDir : AppDirs.configDir();
        ServerConfig config = store.withSharedConcepts(ServerConfig.defaults(data)
                .withModelsDir(modelsDir != null ? modelsDir : ModelLocator.modelsDir())
                .withModel(served == null ? null : served.toAbsolutePath()));
        CountDownLatch stopped = new CountDownLatch(1);
        StoreSettings settings = store.settings(StoreOptions.device());
        LikenessWorker worker = LikenessWorker.start(config, engine, settings,
                model == null ? LoadModelRunner.DEMO : model);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "likeness-worker-shutdown"));
        out.println("Likeness worker " + worker.id() + " taking jobs from " + settings.url());
        out.flush();
        stopped.await();
        return 0;
    }
}
