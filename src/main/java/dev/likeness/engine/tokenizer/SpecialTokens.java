package dev.likeness.engine.tokenizer;

import java.util.List;
import java.util.Optional;

/** The special token strings of a CLIP tokenizer, with whether each is matched in normalized text. */
record SpecialTokens(Spec bos, Spec eos, Spec unk, Spec pad) {
    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";

    /** Hugging Face matches special tokens verbatim unless the config says otherwise. */
    record Spec(String content, boolean normalized) {
        static Spec verbatim(String content) {
            return new Spec(content, false);
        }
    }

    static SpecialTokens withPad(String pad) {
        return new SpecialTokens(Spec.verbatim(START_OF_TEXT), Spec.verbatim(END_OF_TEXT),
                Spec.verbatim(END_OF_TEXT), Spec.verbatim(pad));
    }

    List<Spec> all() {
        return List.of(bos, eos, unk, pad);
    }

    /** A message naming the first special token that the vocabulary lacks, if any. */
    Optional<String> missingFrom(Vocabulary vocab) {
        String[] roles = {"start (bos)", "end (eos)", "unknown", "padding"};
        List<Spec> specs = all();
        for (int i = 0; i < specs.size(); i++) {
            if (vocab.id(specs.get(i).content()).isEmpty()) {
                return Optional.of(roles[i] + " token '" + specs.get(i).content() + "' is not in the vocabulary");
            }
        }
        return Optional.empty();
    }
}
