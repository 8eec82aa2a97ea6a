package dev.likeness.util;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Every folder Likeness keeps things in, in one place: the user's configuration (XDG on Linux, Application Support on
 * macOS, %APPDATA% on Windows), the cache for regenerable data (DreamBooth class images, Perfusion covariances; never a
 * model's own folder), the models folder and the concept library.
 */
public final class AppDirs {
    private AppDirs() {}

    /** The models folder: $LIKENESS_MODELS, else {@code <likeness.home>/models}, else ~/.local/share/likeness/models. */
    public static Path modelsDir() {
        String env = System.getenv("LIKENESS_MODELS");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("likeness.home");
        if (home != null) {
            return Path.of(home, "models");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "likeness", "models");
    }

    /**
     * The concept library the CLI and the server share: -Dlikeness.conceptsDir, else $LIKENESS_CONCEPTS, else
     * concepts/ in the config folder.
     */
    public static Path conceptsDir() {
        String prop = System.getProperty("likeness.conceptsDir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("LIKENESS_CONCEPTS");
        return env != null && !env.isBlank() ? Path.of(env) : configDir().resolve("concepts");
    }

    public static Path configDir() {
        return configDir(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Where regenerable data goes: -Dlikeness.cacheDir, else $LIKENESS_CACHE, else the OS's cache folder. */
    public static Path cacheDir() {
        String prop = System.getProperty("likeness.cacheDir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("LIKENESS_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return cacheDir(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Path cacheDir(String osName, Map<String, String> env, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows") && env.get("LOCALAPPDATA") != null) {
            return Path.of(env.get("LOCALAPPDATA"), "likeness", "cache");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Caches").resolve("likeness");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "likeness");
        }
        return home.resolve(".cache").resolve("likeness");
    }

    static Path configDir(String osName, Map<String, String> env, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows") && env.get("APPDATA") != null) {
            return Path.of(env.get("APPDATA"), "likeness");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("likeness");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "likeness");
        }
        return home.resolve(".config").resolve("likeness");
    }
}
