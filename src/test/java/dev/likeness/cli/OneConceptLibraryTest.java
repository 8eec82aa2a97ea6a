package dev.likeness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.concepts.ConceptLibraryException;
import dev.likeness.concepts.ConceptName;
import dev.likeness.server.LikenessServer;
import dev.likeness.server.support.RawHttp;
import dev.likeness.server.support.TestServers;
import dev.likeness.testing.Golden;
import dev.likeness.testing.TestImages;
import dev.likeness.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI and the server read and write one concept library, under one name rule. */
class OneConceptLibraryTest {
    @TempDir
    Path tmp;
    Path library;

    @BeforeEach
    void useATemporaryLibrary() {
        library = tmp.resolve("concepts");
        System.setProperty("likeness.conceptsDir", library.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("likeness.conceptsDir");
    }

    @Test
    void aConceptTrainedFromTheCliAsMyCatReachesTheServer() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("refs"));
        ImageIO.write(TestImages.subject(64, 0), "png", images.resolve("ref.png").toFile());
        CliTest.Result r = CliTest.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(),
                "--images", images.toString(), "--out", "MyCat", "--class", "cat", "--steps", "1",
                "--grad-accum", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("named 'mycat'"), r.err());
        assertTrue(Files.isRegularFile(library.resolve("mycat/concept.json")));

        ServeCommand serve = new ServeCommand(new LocalEngine());
        new picocli.CommandLine(serve).parseArgs("--data-dir", tmp.resolve("data").toString());
        assertEquals(tmp.resolve("data/concepts"), serve.config().conceptsDir(), "--data-dir holds its own library");
        ServeCommand byDefault = new ServeCommand(new LocalEngine());
        new picocli.CommandLine(byDefault).parseArgs();
        assertEquals(library, byDefault.config().conceptsDir(), "by default the server serves the CLI's library");
        try (LikenessServer server = TestServers.start(TestServers.config(tmp.resolve("data"))
                .withConceptsDir(byDefault.config().conceptsDir()), 0)) {
            JsonNode listed = TestServers.client(server).get("/api/v1/concepts").json().get("concepts");
            assertEquals(1, listed.size(), listed.toString());
            assertEquals("mycat", listed.get(0).get("name").asText());
            assertEquals("textual-inversion", listed.get(0).get("method").asText());
        }
        CliTest.Result list = CliTest.run("concepts", "list");
        assertEquals("mycat", Json.MAPPER.readTree(list.out().strip()).get("name").asText());
    }

    @Test
    void namesOlderVersionsAllowedAreMigratedOnOpenAndKeepTheirToken() throws Exception {
        for (String legacy : new String[] {"MyCat", "my.dog", "mycat"}) {
            Path dir = Files.createDirectories(library.resolve(legacy));
            Files.writeString(dir.resolve("concept.json"), "{\"name\":\"" + legacy + "\",\"method\":"
                    + "\"textual-inversion\",\"token\":\"<" + legacy + ">\",\"modelFamily\":\"sd1\"}");
        }
        Files.createDirectories(library.resolve(".half-written.training"));
        ConceptLibrary lib = ConceptLibrary.open(library);
        assertEquals(List.of(new ConceptLibrary.Migration("MyCat", "mycat-2"),
                new ConceptLibrary.Migration("my.dog", "my-dog")), lib.migrations());
        assertEquals(List.of("my-dog", "mycat", "mycat-2"), lib.list().stream().map(c -> c.name()).toList());
        assertEquals("<MyCat>", lib.get("mycat-2").token(), "prompts already written keep working");
        assertEquals("mycat-2", Json.readTree(library.resolve("mycat-2/concept.json")).get("name").asText());
        assertTrue(Files.isDirectory(library.resolve(".half-written.training")), "work folders are left alone");
        assertTrue(ConceptLibrary.open(library).migrations().isEmpty(), "a second open has nothing to do");

        try (LikenessServer server = TestServers.start(TestServers.config(tmp.resolve("data"))
                .withConceptsDir(library), 0)) {
            RawHttp http = TestServers.client(server);
            assertEquals(3, http.get("/api/v1/concepts").json().get("concepts").size());
            RawHttp.Response bad = http.get("/api/v1/concepts/MyCat");
            assertEquals(400, bad.status(), bad.text());
            assertEquals("INVALID_NAME", bad.errorCode());
            assertEquals(404, http.get("/api/v1/concepts/nobody").status());
        }
    }

    @Test
    void oneNameRuleWithATypedNameTurnedIntoIt() throws Exception {
        assertEquals("mycat", ConceptName.slug("MyCat"));
        assertEquals("my-cat-v2", ConceptName.slug(" My Cat.v2 "));
        assertEquals(null, ConceptName.slug("..."));
        assertEquals(64, ConceptName.slug("a".repeat(80)).length());
        assertFalse(ConceptName.isValid("MyCat"));
        assertFalse(ConceptName.isValid("../x"));
        ConceptLibrary lib = ConceptLibrary.open(library);
        ConceptLibraryException e = assertThrows(ConceptLibraryException.class, () -> lib.target("My.Cat"));
        assertEquals(ConceptLibraryException.Kind.INVALID_NAME, e.kind());
        CliTest.Result r = CliTest.run("train", "--method", "ti", "--model", Golden.model("sd1").toString(),
                "--images", tmp.toString(), "--out", "...", "--steps", "1");
        assertTrue(r.code() != 0, r.err());
        assertTrue(r.err().contains("not a usable concept name"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
