package dev.likeness.methods.palp;

import dev.likeness.methods.TrainingRequest;
import dev.likeness.pipeline.SdModel;
import dev.likeness.train.ReferenceImage;
import java.util.List;

/** A PALP run from a personalize request and its {@link PalpOptions}. */
public final class PalpSetup {
    private PalpSetup() {}

    public static Palp create(SdModel model, TrainingRequest req, List<ReferenceImage> images) {
        PalpOptions s = (PalpOptions) req.settings();
        String token = req.token() != null ? req.token() : "<" + req.name() + ">";
        String target = s.targetPrompt();
        if (target != null && !target.contains(token)) {
            target = target.contains("{}") ? target.replace("{}", token) : target + " " + token;
        }
        int second = images.size() - new PalpMethod().mainImages(s, images.size());
        List<PalpConfig.Subject> others = List.of();
        if (second > 0) {
            others = List.of(new PalpConfig.Subject(s.secondToken(), s.secondClass(), s.secondPrompt()));
        }
        PalpConfig d = PalpConfig.defaults(token, req.classWord(), target, s.composition());
        PalpConfig config = new PalpConfig(token, req.classWord(), target, s.loraRank(),
                s.teacherGuidance() != null ? s.teacherGuidance() : d.teacherGuidance(),
                s.studentGuidance() != null ? s.studentGuidance() : d.studentGuidance(), s.palpWeight(), true, others);
        int main = images.size() - second;
        return new Palp(model, config, req.options().seed(),
                second == 0 ? List.of(images) : List.of(images.subList(0, main), images.subList(main, images.size())));
    }
}
