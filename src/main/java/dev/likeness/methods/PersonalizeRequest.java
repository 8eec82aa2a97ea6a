package dev.likeness.methods;

import dev.likeness.train.TrainingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One personalization run, as the CLI and the server describe it.
 *
 * @param method    textual-inversion (ti), dreambooth, ...
 * @param name      the concept's name
 * @param images    reference images (PNG with alpha gives a subject mask)
 * @param token     placeholder token; null for the method's default
 * @param classWord the subject's class ("cat"); Textual Inversion starts its vectors from it
 * @param options   loop settings (steps, lr, batch, seed, ...)
 * @param extra     method-specific settings by name (vectors, templates, lora-rank, ...)
 */
public record PersonalizeRequest(String method, String name, List<Path> images, String token, String classWord,
        TrainingOptions options, Map<String, String> extra) {
    public PersonalizeRequest {
        images = List.copyOf(images);
        extra = Map.copyOf(extra);
    }

    public String extra(String key, String dflt) {
        return extra.getOrDefault(key, dflt);
    }
}
