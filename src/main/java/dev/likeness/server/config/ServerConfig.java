package dev.likeness.server.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Everything the server needs to start. Build with {@link #defaults(Path)} and the {@code with*} methods.
 *
 * @param host           address to bind; loopback unless {@code allowRemote}
 * @param port           HTTP port, 0 for a free one
 * @param allowRemote    explicit consent to bind a non-loopback address
 * @param allowedHosts   extra names accepted in the Host header (besides loopback names and {@code host})
 * @param allowedOrigins browser origins allowed to call the API, matched exactly (empty: none)
 * @param dataDir        jobs and uploads live below this folder
 * @param conceptsDir    the concept library (the CLI's, unless a test or --data-dir gives another)
 * @param modelsDir      folder of downloaded models
 * @param model          model to serve at start; null for the built-in demo model
 * @param py4jPort       Py4J gateway port, 0 for a free one, -1 to disable the gateway
 * @param runtimeFile    where port and token are written for clients (owner-only)
 * @param limits         input limits
 */
public record ServerConfig(String host, int port, boolean allowRemote, Set<String> allowedHosts,
        Set<String> allowedOrigins, Path dataDir, Path conceptsDir, Path modelsDir, Path model, int py4jPort,
        Path runtimeFile, Limits limits) {

    public ServerConfig {
        allowedHosts = Set.copyOf(allowedHosts);
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 0, false, Set.of(), Set.of(), dataDir, dataDir.resolve("concepts"),
                dataDir.resolve("models"), null, 0, dataDir.resolve("runtime.json"), Limits.defaults());
    }

    public ServerConfig withConceptsDir(Path dir) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, allowedOrigins, dataDir, dir, modelsDir, model,
                py4jPort, runtimeFile, limits);
    }

    public Path jobsDir() {
        return dataDir.resolve("jobs");
    }

    public Path uploadsDir() {
        return dataDir.resolve("uploads");
    }

    public ServerConfig withHost(String newHost, boolean remote) {
        return new ServerConfig(newHost, port, remote, allowedHosts, allowedOrigins, dataDir, conceptsDir, modelsDir,
                model, py4jPort, runtimeFile, limits);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, allowRemote, allowedHosts, allowedOrigins, dataDir, conceptsDir,
                modelsDir, model, py4jPort, runtimeFile, limits);
    }

    public ServerConfig withAllowedHosts(Set<String> hosts) {
        return new ServerConfig(host, port, allowRemote, hosts, allowedOrigins, dataDir, conceptsDir, modelsDir, model,
                py4jPort, runtimeFile, limits);
    }

    public ServerConfig withAllowedOrigins(Set<String> origins) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, origins, dataDir, conceptsDir, modelsDir, model,
                py4jPort, runtimeFile, limits);
    }

    public ServerConfig withModelsDir(Path dir) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, allowedOrigins, dataDir, conceptsDir, dir, model,
                py4jPort, runtimeFile, limits);
    }

    public ServerConfig withModel(Path newModel) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, allowedOrigins, dataDir, conceptsDir, modelsDir,
                newModel, py4jPort, runtimeFile, limits);
    }

    public ServerConfig withPy4jPort(int newPort) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, allowedOrigins, dataDir, conceptsDir, modelsDir,
                model, newPort, runtimeFile, limits);
    }

    public ServerConfig withRuntimeFile(Path file) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, allowedOrigins, dataDir, conceptsDir, modelsDir,
                model, py4jPort, file, limits);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(host, port, allowRemote, allowedHosts, allowedOrigins, dataDir, conceptsDir, modelsDir,
                model, py4jPort, runtimeFile, newLimits);
    }
}
