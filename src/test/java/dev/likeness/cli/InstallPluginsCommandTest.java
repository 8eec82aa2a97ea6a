package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `likeness install-plugins`: what lands where, on each OS, from this checkout's plugin-scripts/. */
class InstallPluginsCommandTest {
    static final Path SOURCE = Path.of("plugin-scripts").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run run(InstallPluginsCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    private InstallPluginsCommand linux(Path home) {
        return new InstallPluginsCommand("Linux", Map.of(), home);
    }

    @Test
    void installsBothPluginsWithTheSharedClientIntoGivenFolders() throws Exception {
        Path gimp = dir.resolve("gimp-plug-ins");
        Path krita = dir.resolve("pykrita");
        Run r = run(linux(dir), "--gimp", gimp.toString(), "--krita", krita.toString(),
                "--source", SOURCE.toString());
        assertEquals(0, r.code(), r.err());
        Path g = gimp.resolve("likeness");
        for (String f : new String[] {"likeness.py", "gimp_layers.py", "gimp_ui.py", "likeness_client.py",
                "likeness_png.py", "likeness_jobs.py", "likeness_tasks.py"}) {
            assertTrue(Files.isRegularFile(g.resolve(f)), "GIMP folder lacks " + f);
        }
        assertTrue(Files.isExecutable(g.resolve("likeness.py")));
        assertEquals(Files.readString(SOURCE.resolve("common/likeness_client.py")),
                Files.readString(g.resolve("likeness_client.py")));
        assertTrue(Files.readString(krita.resolve("likeness.desktop")).contains("X-KDE-Library=likeness"));
        for (String f : new String[] {"__init__.py", "docker.py", "krita_ops.py", "krita_layers.py", "qt_compat.py",
                "likeness_client.py", "likeness_png.py", "manual.html"}) {
            assertTrue(Files.isRegularFile(krita.resolve("likeness").resolve(f)), "Krita package lacks " + f);
        }
        assertTrue(r.out().contains("GIMP 3: ") && r.out().contains("Krita: "), r.out());
    }

    @Test
    void reinstallReplacesOldFilesAndSkipsWhatIsAskedNotToInstall() throws Exception {
        Path gimp = dir.resolve("g");
        Files.createDirectories(gimp.resolve("likeness"));
        Files.writeString(gimp.resolve("likeness/stale_module.py"), "old");
        Files.writeString(gimp.resolve("other-plugin.txt"), "keep");
        Run r = run(linux(dir), "--gimp", gimp.toString(), "--skip-krita", "--source", SOURCE.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(gimp.resolve("likeness/stale_module.py")));
        assertTrue(Files.exists(gimp.resolve("other-plugin.txt")));
        assertFalse(Files.exists(dir.resolve(".local/share/krita/pykrita")));
        assertFalse(r.out().contains("Krita"));
    }

    @Test
    void detectsUserFoldersPerOs() {
        Path home = dir;
        InstallPluginsCommand linux = linux(home);
        assertEquals(home.resolve(".config/GIMP/3.0/plug-ins"), linux.gimpPluginsDir());
        assertEquals(home.resolve(".local/share/krita/pykrita"), linux.kritaPykritaDir());
        InstallPluginsCommand xdg = new InstallPluginsCommand("Linux",
                Map.of("XDG_CONFIG_HOME", "/cfg", "XDG_DATA_HOME", "/data"), home);
        assertEquals(Path.of("/cfg/GIMP/3.0/plug-ins"), xdg.gimpPluginsDir());
        assertEquals(Path.of("/data/krita/pykrita"), xdg.kritaPykritaDir());
        InstallPluginsCommand mac = new InstallPluginsCommand("Mac OS X", Map.of(), home);
        assertEquals(home.resolve("Library/Application Support/GIMP/3.0/plug-ins"), mac.gimpPluginsDir());
        assertEquals(home.resolve("Library/Application Support/krita/pykrita"), mac.kritaPykritaDir());
        InstallPluginsCommand win = new InstallPluginsCommand("Windows 11", Map.of("APPDATA", "/appdata"), home);
        assertEquals(Path.of("/appdata/GIMP/3.0/plug-ins"), win.gimpPluginsDir());
        assertEquals(Path.of("/appdata/krita/pykrita"), win.kritaPykritaDir());
    }

    @Test
    void installsIntoDetectedFoldersByDefault() throws Exception {
        Run r = run(linux(dir), "--source", SOURCE.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve(".config/GIMP/3.0/plug-ins/likeness/likeness.py")));
        assertTrue(Files.isRegularFile(dir.resolve(".local/share/krita/pykrita/likeness.desktop")));
        assertTrue(Files.isRegularFile(dir.resolve(".local/share/krita/pykrita/likeness/likeness_jobs.py")));
    }

    @Test
    void flatpakKritaIsUsedWhenOnlyItExists() throws Exception {
        Files.createDirectories(dir.resolve(".var/app/org.kde.krita/data/krita"));
        assertEquals(dir.resolve(".var/app/org.kde.krita/data/krita/pykrita"), linux(dir).kritaPykritaDir());
    }

    @Test
    void missingSourcesAreAOneLineError() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(linux(dir));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("likeness: error: " + Main.describe(ex));
            return 2;
        });
        int code = cl.execute("--source", dir.resolve("nowhere").toString(), "--gimp", dir.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("no plug-in sources in"), err.toString());
    }
}
