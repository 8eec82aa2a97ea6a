package dev.likeness.server.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where the user's configuration lives on each OS: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
public final class UserDirs {
    private UserDirs() {}

    public static Path configDir() {
        return configDir(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Where regenerable data goes (DreamBooth class images): $LIKENESS_CACHE, else the OS's cache folder. */
    public static Path cacheDir() {
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
