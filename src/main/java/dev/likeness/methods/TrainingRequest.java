package dev.likeness.methods;

import dev.likeness.train.TrainingOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * One personalization run, as the CLI and the server describe it; built by {@link MethodRegistry#request}.
 *
 * @param method    the method's id (textual-inversion, dreambooth, ...)
 * @param name      the concept's name
 * @param images    reference images (PNG with alpha gives a subject mask)
 * @param masks     subject mask images, one per image (CLI only; empty: the images' alpha)
 * @param token     placeholder token; null for the method's default
 * @param classWord the subject's class ("cat"); Textual Inversion starts its vectors from it
 * @param options   loop settings (steps, lr, batch, seed, ...)
 * @param settings  the method's typed settings record
 * @param classDir  DreamBooth's class image cache (null: the user cache)
 */
public record TrainingRequest(String method, String name, List<Path> images, List<Path> masks, String token,
        String classWord, TrainingOptions options, Record settings, Path classDir) {
    public TrainingRequest {
        images = List.copyOf(images);
        masks = masks == null ? List.of() : List.copyOf(masks);
    }

    /**
     * A request field a method cannot run with ({@code classWord}, {@code images}, {@code token}): the CLI prints the
     * message, the server answers 400 naming the field.
     */
    public static final class InvalidField extends IllegalArgumentException {
        private final String field;

        public InvalidField(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The same run with other images (the bench and tests hand images over directly). */
    public TrainingRequest withImages(List<Path> files) {
        return new TrainingRequest(method, name, files, masks, token, classWord, options, settings, classDir);
    }
}
