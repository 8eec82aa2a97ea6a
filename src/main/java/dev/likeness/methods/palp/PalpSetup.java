package dev.likeness.methods.palp;

import dev.likeness.methods.PersonalizeRequest;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import java.util.List;

/**
 * A PALP run from a personalize request. Options (request extras): {@code target-prompt} (with the token or {}),
 * {@code composition}, {@code lora-rank}, {@code teacher-guidance}, {@code student-guidance}, {@code palp-weight};
 * for a second subject (multi-subject / art-inspired PALP) {@code second-token}, {@code second-class},
 * {@code second-prompt} (its y_P, default "a photo of {}", e.g. "an oil painting of {}") and {@code second-images}:
 * how many of the request's images, at its end, show the second subject.
 */
public final class PalpSetup {
    private PalpSetup() {}

    public static Palp create(SdModel model, PersonalizeRequest req, List<ReferenceImage> images) {
        String token = req.token() != null ? req.token() : "<" + req.name() + ">";
        String target = req.extra("target-prompt", null);
        if (target != null && !target.contains(token)) {
            target = target.contains("{}") ? target.replace("{}", token) : target + " " + token;
        }
        int second = secondImages(req, images.size());
        List<PalpConfig.Subject> others = List.of();
        if (second > 0) {
            others = List.of(new PalpConfig.Subject(req.extra("second-token", null), req.extra("second-class", null),
                    req.extra("second-prompt", null)));
        } else if (req.extra("second-token", null) != null) {
            throw new IllegalArgumentException("a second subject needs its images (second-images > 0)");
        }
        PalpConfig d = PalpConfig.defaults(token, req.classWord(), target,
                Boolean.parseBoolean(req.extra("composition", "false")));
        PalpConfig config = new PalpConfig(token, req.classWord(), target,
                Integer.parseInt(req.extra("lora-rank", Integer.toString(d.loraRank()))),
                Float.parseFloat(req.extra("teacher-guidance", Float.toString(d.teacherGuidance()))),
                Float.parseFloat(req.extra("student-guidance", Float.toString(d.studentGuidance()))),
                Double.parseDouble(req.extra("palp-weight", "1")), true, others);
        int main = images.size() - second;
        return new Palp(model, config, req.options().seed(),
                second == 0 ? List.of(images) : List.of(images.subList(0, main), images.subList(main, images.size())));
    }

    /** How many of the request's {@code total} images show the second subject (0 without one). */
    public static int secondImages(PersonalizeRequest req, int total) {
        int n;
        try {
            n = Integer.parseInt(req.extra("second-images", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("second-images must be a whole number");
        }
        if (n < 0 || n >= total) {
            throw new IllegalArgumentException("second-images must leave at least one image for the main subject "
                    + "(0 to " + (total - 1) + ")");
        }
        return n;
    }
}
