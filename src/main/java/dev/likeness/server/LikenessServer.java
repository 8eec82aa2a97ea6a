package dev.likeness.server;

import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.server.api.ModelViews;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.http.HttpApi;
import dev.likeness.server.jobs.GenerateRunner;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobRunner;
import dev.likeness.server.jobs.JobService;
import dev.likeness.server.jobs.LoadModelRunner;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelProvider;
import dev.likeness.server.py4j.GatewayEntryPoint;
import dev.likeness.server.py4j.GuardedGatewayServer;
import dev.likeness.server.security.HostCheck;
import dev.likeness.server.security.RuntimeFile;
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
    private final JobService jobs;
    private final HttpApi http;
    private final GuardedGatewayServer gateway;
    private final UploadStore uploads;

    private LikenessServer(ServerConfig config, String token, ActiveModel model, JobService jobs, HttpApi http,
            GuardedGatewayServer gateway, UploadStore uploads) {
        this.config = config;
        this.token = token;
        this.model = model;
        this.jobs = jobs;
        this.http = http;
        this.gateway = gateway;
        this.uploads = uploads;
    }

    public static LikenessServer start(ServerConfig config, EngineBinding engine) throws IOException {
        checkBinding(config);
        String token = Tokens.newToken();
        ServerConcepts concepts = new ServerConcepts(ConceptLibrary.open(config.conceptsDir()));
        UploadStore uploads = new UploadStore(config.uploadsDir(), config.limits());
        uploads.expire();
        ModelProvider models = engine.models(concepts);
        ActiveModel model = new ActiveModel(models, config.model());

        ServerServices services = new ServerServices(model, concepts, config);
        Map<String, JobRunner> runners = new HashMap<>(engine.runners(services));
        runners.put(JobKinds.GENERATE, new GenerateRunner(model, concepts, config.limits(),
                engine.generateModes(services)));
        runners.put(JobKinds.LOAD_MODEL, new LoadModelRunner(model, models, config.modelsDir()));
        JobService jobs = new JobService(config.jobsDir(), runners, uploads, config.limits());

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
            LikenessServer server = new LikenessServer(config, token, model, jobs, http, gateway, uploads);
            RuntimeFile.write(config.runtimeFile(), new RuntimeFile.Content(1, ProcessHandle.current().pid(),
                    "http://" + urlHost(config.host()) + ":" + http.port(), config.host(), http.port(),
                    gateway != null ? gateway.getListeningPort() : -1, token, Instant.now().toString()));
            return server;
        } catch (IOException | RuntimeException e) {
            http.close();
            if (gateway != null) {
                gateway.shutdown();
            }
            jobs.close();
            throw e;
        }
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
        if (jobs.stop(JobService.STOP_GRACE)) {
            model.close();
        }
    }

}
