package dev.likeness.cli;

import dev.likeness.pipeline.SdModel;
import dev.likeness.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "tokenize", description = "Print the 77 CLIP token ids of each text as one JSON object per line.")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Texts to tokenize")
    List<String> texts;

    @Override
    public Integer call() throws Exception {
        try (SdModel m = model.load()) {
            for (String text : texts) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", text);
                row.put("ids", m.tokenizer().encode(text));
                System.out.println(Json.write(row));
            }
        }
        return 0;
    }
}
