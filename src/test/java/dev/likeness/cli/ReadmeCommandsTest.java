package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.likeness.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's commands, as a user copies them: every `bridge-server/likeness ...` line of the Commands and Models
 * sections parses against the real command tree (so an option renamed or removed breaks this test), and the ones
 * that need no trained concept or network run on the tiny reference models (models swapped in by family, generation
 * cut to 2 steps at 64×64).
 */
class ReadmeCommandsTest {
    private static final String LAUNCHER = "bridge-server/likeness";
    private static final Set<String> RUN = Set.of("tokenize", "inspect", "models", "generate", "help", "--help",
            "concepts", "train");

    @TempDir
    Path tmp;

    static List<List<String>> readmeCommands() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        List<List<String>> out = new ArrayList<>();
        boolean inSection = false;
        boolean inFence = false;
        StringBuilder pending = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Commands") || line.equals("## Models");
            }
            if (!inSection) {
                continue;
            }
            if (line.startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (!inFence) {
                continue;
            }
            String text = line.strip();
            if (pending != null) {
                pending.append(' ').append(text);
            } else if (text.startsWith(LAUNCHER + " ") || text.startsWith("$ " + LAUNCHER + " ")) {
                pending = new StringBuilder(text.startsWith("$ ") ? text.substring(2) : text);
            } else {
                continue;
            }
            if (pending.toString().endsWith("\\")) {
                pending.setLength(pending.length() - 1);
                continue;
            }
            List<String> words = ShellWords.split(pending.toString());
            pending = null;
            if (words.stream().anyMatch(w -> w.contains("|") || w.startsWith("["))) {
                continue; // a synopsis line ("bench train --method ti|dreambooth ..."), not a command
            }
            out.add(words.subList(1, words.size()));
        }
        return out;
    }

    @Test
    void everyReadmeCommandParsesAndTheSafeOnesRun() throws IOException {
        List<List<String>> commands = readmeCommands();
        assertTrue(commands.size() >= 20, "expected the README's commands, found " + commands.size());
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (List<String> args : commands) {
            try {
                Main.commandLine().parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                failures.add(String.join(" ", args) + "  ->  " + e.getMessage());
                continue;
            }
            boolean trainsTi = args.get(0).equals("train") && args.contains("ti");
            boolean listsConcepts = args.get(0).equals("concepts") && args.get(1).equals("list");
            if (!RUN.contains(args.get(0)) || args.contains("--concept") || args.contains("--init-image")
                    || args.contains("--mode") || (args.get(0).equals("train") && !trainsTi)
                    || (args.get(0).equals("concepts") && !listsConcepts)) {
                continue;
            }
            List<String> runnable = onTinyModels(args);
            CliTest.Result r = CliTest.run(runnable.toArray(String[]::new));
            ran++;
            if (r.code() != 0) {
                failures.add(String.join(" ", runnable) + "  ->  exit " + r.code() + ": " + r.err().strip());
            }
        }
        assertEquals("", String.join("\n", failures));
        assertTrue(ran >= 6, "ran " + ran + " README commands");
        System.out.println(commands.size() + " README commands parsed, " + ran + " run");
    }

    private List<String> onTinyModels(List<String> args) {
        List<String> out = new ArrayList<>();
        boolean generate = args.get(0).equals("generate") || args.get(0).equals("train");
        boolean train = args.get(0).equals("train");
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if ((a.equals("--model") || a.equals("--config")) && value != null && !Files.exists(Path.of(value))) {
                String family = value.contains("2-1") || value.contains("v2") || value.equals("sd21") ? "sd2" : "sd1";
                boolean file = a.equals("--model") && (value.endsWith(".safetensors") || value.startsWith("sd"));
                out.add(a);
                out.add((file ? Golden.singleFile(family) : Golden.model(family)).toString());
                i++;
            } else if (generate && (a.equals("--steps") || a.equals("--width") || a.equals("--height")
                    || a.equals("--count"))) {
                i++;
            } else if (generate && a.equals("--out")) {
                out.add(a);
                out.add(tmp.resolve(Path.of(value).getFileName()).toString());
                i++;
            } else if (train && a.equals("--images")) {
                out.add(a);
                out.add(referenceImages().toString());
                i++;
            } else {
                out.add(a);
            }
        }
        if (train) {
            out.addAll(List.of("--steps", "2"));
        } else if (generate) {
            out.addAll(List.of("--steps", "2", "--width", "64", "--height", "64"));
        }
        return out;
    }

    private Path referenceImages() {
        Path dir = tmp.resolve("refs");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                javax.imageio.ImageIO.write(dev.likeness.testing.TestImages.subject(64, 0), "png",
                        dir.resolve("ref.png").toFile());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }
}
