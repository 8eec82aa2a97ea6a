package dev.likeness.cli;

import dev.likeness.methods.ConceptExport;
import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.concepts.ConceptManifest;
import dev.likeness.concepts.StoredConcept;
import dev.likeness.util.AppDirs;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "concepts", description = "List, show and export the trained concepts in the concept library.",
        subcommands = {ConceptsCommand.ListConcepts.class, ConceptsCommand.Show.class, ConceptsCommand.Export.class})
final class ConceptsCommand {
    /** The library the server uses too: $LIKENESS_CONCEPTS, else concepts/ in the user config folder. */
    static Path libraryRoot() {
        return AppDirs.conceptsDir();
    }

    @Command(name = "list", description = "One JSON line per concept.")
    static final class ListConcepts implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            ConceptLibrary library = ConceptLibrary.open(libraryRoot());
            for (StoredConcept c : library.list()) {
                Map<String, Object> m = summary(ConceptManifest.read(library.directory(c.name())));
                m.put("sizeBytes", c.sizeBytes());
                System.out.println(Json.write(m));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Print a concept's manifest as JSON.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "CONCEPT", description = "Name in the library, or a concept folder")
        String concept;

        @Override
        public Integer call() throws IOException {
            ConceptManifest c = ConceptManifest.read(ConceptLibrary.open(libraryRoot()).resolve(concept));
            Map<String, Object> out = summary(c);
            out.put("details", c.details());
            System.out.println(Json.write(out));
            return 0;
        }
    }

    @Command(name = "export", description = "Write a concept in a format other tools read.")
    static final class Export implements Callable<Integer> {
        @Parameters(paramLabel = "CONCEPT", description = "Name in the library, or a concept folder")
        String concept;

        @Option(names = "--format", required = true, description = "Textual Inversion: a1111 or diffusers; "
                + "DreamBooth LoRA: kohya (a1111) or diffusers; full DreamBooth: a1111 (single-file) or diffusers (folder)")
        String format;

        @Option(names = "--out", required = true, paramLabel = "PATH",
                description = "Output .safetensors file (a folder for a full DreamBooth concept in diffusers format)")
        Path out;

        @Override
        public Integer call() throws IOException {
            ConceptExport.export(ConceptLibrary.open(libraryRoot()).resolve(concept), format, out);
            System.out.println(out);
            return 0;
        }
    }

    static Map<String, Object> summary(ConceptManifest c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("method", c.method());
        m.put("token", c.token());
        m.put("classWord", c.classWord());
        m.put("modelFamily", c.modelFamily());
        m.put("created", c.created());
        return m;
    }
}
