package dev.likeness.server;

import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.server.api.ModelViews;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.http.HttpApi;
import dev.likeness.server.jobs.GenerateRunner;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.jobs.JobQueue;
import dev.likeness.server.jobs.JobService;
import dev.likeness.server.jobs.LoadModelRunner;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelProvider;
import dev.likeness.server.py4j.GatewayEntryPoint;
import dev.likeness.server.py4j.GuardedGatewayServer;
import dev.likeness.server.security.HostCheck;
import dev.likeness.server.security.RuntimeFile;
import dev.likeness.server.store.SharedJobQueue;
import dev.likeness.server.store.Store;
import dev.likeness.server.store.StoreSettings;
import dev.likeness.server.store.StoreWorker;
import dev.likeness.server.security.Tokens;
import dev.likeness.server.uploads.DecodeAdmission;
import dev.likeness.server.uploads.UploadStore;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Composition root: builds every part with constructors, starts HTTP and Py4J, writes runtime.json, and stops
 * everything in reverse order on {@link #close()}.
 */
public final class LikenessServer implements AutoCloseable {
    private final ServerConfig config;
    private final String token;
    private final ActiveModel model;
    private final JobQueue jobs;
    private final HttpApi http;
    private final GuardedGatewayServer gateway;
    private final UploadStore uploads;
    private final StoreWorker localWorker;
    private final Store store;

    /**
     * A studio front's store, whether this process also runs a worker (on model {@code modelName}), and the access
     * token every front of the studio shares (null: a new random one), so an editor can move to another front.
     */
    public record Studio(StoreSettings settings, boolean localWorker, String modelName, String sharedToken) {
        public Studio {
            if (sharedToken != null && sharedToken.length() < 32) {
                throw new IllegalArgumentException("the shared token must be at least 32 characters (e.g. the "
                        + "output of: openssl rand -hex 32)");
            }
        }
    }

    private LikenessServer(ServerConfig config, String token, ActiveModel model, JobQueue jobs, HttpApi http,
            GuardedGatewayServer gateway, UploadStore uploads, StoreWorker localWorker, Store store) {
        this.localWorker = localWorker;
        this.store = store;
        this.config = config;
        this.token = token;
        this.model = model;
        this.jobs = jobs;
        this.http = http;
        this.gateway = gateway;
        this.uploads = uploads;
    }

    public static LikenessServer start(ServerConfig config, EngineBinding engine) throws IOException {
        return start(config, engine, null);
    }

    /**
     * A studio front when {@code studio} is given: jobs go to the shared store and run on its workers (and on one in
     * this process when {@link Studio#localWorker()}); otherwise the embedded queue with its one worker.
     */
    public static LikenessServer start(ServerConfig config, EngineBinding engine, Studio studio) throws IOException {
        checkBinding(config);
        String token = studio != null && studio.sharedToken() != null ? studio.sharedToken() : Tokens.newToken();
        ServerConcepts concepts = new ServerConcepts(ConceptLibrary.open(config.conceptsDir()));
        UploadStore uploads = new UploadStore(config.uploadsDir(), config.limits());
        uploads.expire();
        ModelProvider models = engine.models(concepts);
        ActiveModel model = new ActiveModel(models, config.model());
        Map<String, JobRunner> runners = runners(config, engine, concepts, models, model);
        Store store = null;
        StoreWorker localWorker = null;
        JobQueue jobs;
        if (studio == null) {
            jobs = new JobService(config.jobsDir(), runners, uploads, config.limits());
        } else {
            store = Store.open(studio.settings());
            jobs = new SharedJobQueue(store, runners, uploads, config.limits(), config.jobsDir());
            if (studio.localWorker()) {
                localWorker = new StoreWorker(store, runners, studio.modelName(), config.dataDir().resolve("worker"));
            }
        }

        boolean py4j = config.py4jPort() >= 0;
        HttpApi http = new HttpApi(config, token, new HttpApi.Services(jobs, concepts, uploads, models,
                model, py4j));
        GuardedGatewayServer gateway = null;
        try {
            http.start();
            if (py4j) {
                GatewayEntryPoint entry = new GatewayEntryPoint(jobs, concepts, uploads,
                        () -> ModelViews.listing(models, model, config.modelsDir()), config.limits());
                gateway = new GuardedGatewayServer(entry, InetAddress.getLoopbackAddress(), config.py4jPort(), token,
                        config.limits().maxUploadBytes(), config.limits().gateway());
                gateway.start(true);
            }
            jobs.start();
            if (localWorker != null) {
                localWorker.start();
            }
            LikenessServer server = new LikenessServer(config, token, model, jobs, http, gateway, uploads,
                    localWorker, store);
            RuntimeFile.write(config.runtimeFile(), new RuntimeFile.Content(1, ProcessHandle.current().pid(),
                    "http://" + urlHost(config.host()) + ":" + http.port(), config.host(), http.port(),
                    gateway != null ? gateway.getListeningPort() : -1, token, Instant.now().toString()));
            return server;
        } catch (IOException | RuntimeException e) {
            http.close();
            if (gateway != null) {
                gateway.shutdown();
            }
            jobs.stop(JobService.STOP_GRACE);
            if (store != null) {
                store.close();
            }
            throw e;
        }
    }

    /** Every job kind this build runs: the engine's, generate (with the engine's extra modes) and model switching. */
    static Map<String, JobRunner> runners(ServerConfig config, EngineBinding engine, ServerConcepts concepts,
            ModelProvider models, ActiveModel model) {
        ServerServices services = new ServerServices(model, concepts, config);
        Map<String, JobRunner> runners = new HashMap<>(engine.runners(services));
        runners.put(JobKinds.GENERATE, new GenerateRunner(model, concepts, config.limits(),
                engine.generateModes(services)));
        runners.put(JobKinds.LOAD_MODEL, new LoadModelRunner(model, models, config.modelsDir()));
        return runners;
    }

    /** A non-loopback address needs explicit consent (the token still applies to every request). */
    static void checkBinding(ServerConfig config) {
        if (!HostCheck.isLoopback(config.host()) && !config.allowRemote()) {
            throw new IllegalArgumentException("refusing to listen on " + config.host() + ": binding a non-loopback "
                    + "address needs --allow-remote");
        }
    }

    private static String urlHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public int port() {
        return http.port();
    }

    /** -1 when the gateway is off. */
    public int py4jPort() {
        return gateway != null ? gateway.getListeningPort() : -1;
    }

    public ServerConfig config() {
        return config;
    }

    /** The admission of image decodes (tests and the load benchmark read its peak). */
    public DecodeAdmission uploadDecodes() {
        return uploads.decodes();
    }

    /** For in-process callers (tests, embedding). Never logged. */
    public String token() {
        return token;
    }

    /**
     * Removes runtime.json, stops HTTP and Py4J, and interrupts the running job at its next step or UNet block (it is
     * journaled as interrupted and resumes on the next start). Returns within a few seconds: a job that cannot stop
     * in {@code JobService.STOP_GRACE} is left to the process exit, and the model it uses is then not freed under it.
     */
    @Override
    public void close() throws IOException {
        RuntimeFile.delete(config.runtimeFile());
        jobs.beginStop();
        http.close();
        if (gateway != null) {
            gateway.shutdown();
        }
        boolean stopped = localWorker == null || localWorker.stop(JobService.STOP_GRACE);
        if (jobs.stop(JobService.STOP_GRACE) && stopped) {
            model.close();
        }
        if (store != null) {
            store.close();
        }
    }

}
