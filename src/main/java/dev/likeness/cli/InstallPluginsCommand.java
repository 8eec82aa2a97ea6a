package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code likeness install-plugins}: copies the GIMP 3 and Krita plug-ins from this checkout's {@code plugin-scripts/}
 * into the editors' user plug-in folders, the shared client modules included in each.
 */
@Command(name = "install-plugins", mixinStandardHelpOptions = true,
        description = {"Install the Likeness plug-ins for GIMP 3 and Krita into your user plug-in folders.",
                "Folders are detected for Linux, macOS and Windows; --gimp/--krita choose others."})
public final class InstallPluginsCommand implements Callable<Integer> {
    static final String NAME = "likeness";

    @Spec
    CommandSpec spec;

    @Option(names = "--gimp", paramLabel = "DIR",
            description = "GIMP 3 plug-ins folder (the plug-in goes into DIR/likeness/). "
                    + "Default: ~/.config/GIMP/3.0/plug-ins and the macOS/Windows equivalents.")
    Path gimpDir;

    @Option(names = "--krita", paramLabel = "DIR",
            description = "Krita pykrita folder (DIR/likeness.desktop + DIR/likeness/). "
                    + "Default: ~/.local/share/krita/pykrita and the macOS/Windows/Flatpak equivalents.")
    Path kritaDir;

    @Option(names = "--skip-gimp", description = "Do not install the GIMP plug-in.")
    boolean skipGimp;

    @Option(names = "--skip-krita", description = "Do not install the Krita plug-in.")
    boolean skipKrita;

    @Option(names = "--source", paramLabel = "DIR",
            description = "The plugin-scripts folder to install from. Default: plugin-scripts/ of this checkout.")
    Path source;

    private final String os;
    private final Map<String, String> env;
    private final Path home;

    public InstallPluginsCommand() {
        this(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    InstallPluginsCommand(String os, Map<String, String> env, Path home) {
        this.os = os.toLowerCase(Locale.ROOT);
        this.env = env;
        this.home = home;
    }

    /** Runs the command on its own (CI scripts use this before the command is registered with {@link Main}). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new InstallPluginsCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path src = source != null ? source : defaultSource();
        Path common = src.resolve("common");
        if (!Files.isRegularFile(common.resolve("likeness_client.py"))) {
            throw new IllegalArgumentException("no plug-in sources in " + src
                    + " (expected common/likeness_client.py); pass --source DIR");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!skipGimp) {
            Path target = (gimpDir != null ? gimpDir : gimpPluginsDir()).resolve(NAME);
            int n = replaceFolder(target, List.of(src.resolve("gimp").resolve(NAME), common));
            Path script = target.resolve(NAME + ".py");
            makeExecutable(script);
            out.println("GIMP 3: " + n + " files in " + target + " (restart GIMP; menu Filters > Likeness)");
        }
        if (!skipKrita) {
            Path pykrita = kritaDir != null ? kritaDir : kritaPykritaDir();
            int n = replaceFolder(pykrita.resolve(NAME), List.of(src.resolve("krita").resolve(NAME), common));
            Files.copy(src.resolve("krita").resolve(NAME + ".desktop"), pykrita.resolve(NAME + ".desktop"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            out.println("Krita: " + (n + 1) + " files in " + pykrita + " (enable Likeness in Settings > Configure "
                    + "Krita > Python Plugin Manager, restart Krita, then Settings > Dockers > Likeness)");
        }
        out.flush();
        return 0;
    }

    /** {@code <likeness.home>/plugin-scripts}; the launcher passes -Dlikeness.home=<checkout root>. */
    static Path defaultSource() {
        String home = System.getProperty("likeness.home");
        return (home != null ? Path.of(home) : Path.of("")).toAbsolutePath().resolve("plugin-scripts");
    }

    Path gimpPluginsDir() {
        return configBase().resolve("GIMP").resolve("3.0").resolve("plug-ins");
    }

    Path kritaPykritaDir() {
        if (isWindows() && env.get("APPDATA") != null) {
            return Path.of(env.get("APPDATA"), "krita", "pykrita");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library/Application Support/krita/pykrita");
        }
        Path flatpak = home.resolve(".var/app/org.kde.krita/data/krita");
        if (Files.isDirectory(flatpak) && !Files.isDirectory(xdg("XDG_DATA_HOME", ".local/share").resolve("krita"))) {
            return flatpak.resolve("pykrita");
        }
        return xdg("XDG_DATA_HOME", ".local/share").resolve("krita").resolve("pykrita");
    }

    private Path configBase() {
        if (isWindows() && env.get("APPDATA") != null) {
            return Path.of(env.get("APPDATA"));
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library/Application Support");
        }
        return xdg("XDG_CONFIG_HOME", ".config");
    }

    private Path xdg(String variable, String fallback) {
        String value = env.get(variable);
        if (value != null && !value.isBlank() && Path.of(value).isAbsolute()) {
            return Path.of(value);
        }
        return home.resolve(fallback);
    }

    private boolean isWindows() {
        return os.startsWith("windows");
    }

    /** Makes {@code target} hold exactly the .py/.html files of {@code sources} (old files removed). */
    private static int replaceFolder(Path target, List<Path> sources) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : sources) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("missing plug-in folder " + dir);
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(Files::isRegularFile).filter(InstallPluginsCommand::isPluginFile).sorted().forEach(files::add);
            }
        }
        dev.likeness.util.FileTrees.deleteTree(target);
        Files.createDirectories(target);
        for (Path f : files) {
            Files.copy(f, target.resolve(f.getFileName().toString()));
        }
        return files.size();
    }

    private static boolean isPluginFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".py") || name.endsWith(".html");
    }

    private static void makeExecutable(Path script) throws IOException {
        try {
            var perms = EnumSet.copyOf(Files.getPosixFilePermissions(script));
            perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(script, perms);
        } catch (UnsupportedOperationException e) {
            // Windows: GIMP starts Python plug-ins through its interpreter file, no executable bit needed
        }
    }
}
