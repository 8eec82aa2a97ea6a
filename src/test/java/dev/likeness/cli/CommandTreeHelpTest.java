package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Walks picocli's whole command tree, so no command or subcommand can ship without working help: `--help`, `-h`,
 * `--version` and `likeness help PATH` each answer with exit 0 and no warning, even where options are required.
 */
class CommandTreeHelpTest {
    private static List<List<String>> commandPaths() {
        CommandLine root = Main.commandLine();
        List<List<String>> out = new ArrayList<>();
        collect(root, new ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
            }
        });
    }

    @Test
    void everyCommandAnswersHelpAndVersion() {
        List<List<String>> paths = commandPaths();
        assertTrue(paths.size() >= 20, "expected the whole tree, got " + paths);
        List<String> failures = new ArrayList<>();
        for (List<String> path : paths) {
            String name = String.join(" ", path);
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                CliTest.Result r = CliTest.run(args.toArray(String[]::new));
                String usage = ("Usage: likeness " + name).trim();
                if (r.code() != 0 || !r.out().startsWith(usage) || !r.err().isEmpty()) {
                    failures.add(name + " " + flag + " -> " + r.code() + " " + r.out().lines().findFirst().orElse("")
                            + " | " + r.err().strip());
                }
            }
            List<String> version = new ArrayList<>(path);
            version.add("--version");
            CliTest.Result v = CliTest.run(version.toArray(String[]::new));
            if (v.code() != 0 || !v.out().strip().equals(Main.VERSION)) {
                failures.add(name + " --version -> " + v.code() + " " + v.out().strip() + " | " + v.err().strip());
            }
            if (!path.isEmpty()) {
                List<String> help = new ArrayList<>(path.subList(0, path.size() - 1));
                help.add("help");
                help.add(path.get(path.size() - 1));
                CliTest.Result h = CliTest.run(help.toArray(String[]::new));
                if (h.code() != 0 || !h.out().startsWith("Usage: likeness " + name)) {
                    failures.add(String.join(" ", help) + " -> " + h.code() + " " + h.err().strip());
                }
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void aRequiredOptionStillFailsWithAOneLineErrorWithoutHelp() {
        CliTest.Result r = CliTest.run("generate");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("likeness: error: Missing required option"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
