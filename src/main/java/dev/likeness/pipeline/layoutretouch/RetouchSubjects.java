package dev.likeness.pipeline.layoutretouch;

import dev.likeness.pipeline.ConceptSwitch;
import dev.likeness.pipeline.SdModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subjects of one Layout-and-Retouch generation, each an applied concept with its own token (one subject mask
 * and one set of references per concept). The base-model steps switch all of them off and name each by its class
 * word; the personalized steps have all of them on.
 */
public record RetouchSubjects(List<RetouchSubject> all) {
    public static final int MAX = 4;

    public RetouchSubjects {
        all = List.copyOf(all);
        if (all.isEmpty() || all.size() > MAX) {
            throw new IllegalArgumentException("Layout-and-Retouch takes 1 to " + MAX + " concepts, got "
                    + all.size());
        }
        Set<String> tokens = new HashSet<>();
        for (RetouchSubject s : all) {
            if (!tokens.add(s.token())) {
                throw new IllegalArgumentException("two concepts share the token " + s.token()
                        + "; each subject needs its own");
            }
        }
    }

    public static RetouchSubjects of(RetouchSubject one) {
        return new RetouchSubjects(List.of(one));
    }

    public int size() {
        return all.size();
    }

    public RetouchSubject get(int i) {
        return all.get(i);
    }

    /** Fails unless {@code prompt} names every subject by its token. */
    public void requireIn(String prompt) {
        for (RetouchSubject s : all) {
            if (!s.isIn(prompt)) {
                throw new IllegalArgumentException("the prompt must name the concept with its token " + s.token());
            }
        }
    }

    /** Whether every subject has a class word (the base-model steps need one for each). */
    public boolean haveClassWords() {
        return all.stream().noneMatch(s -> s.classWord().isEmpty());
    }

    /** y^{-p}: every subject's token replaced by its class word. */
    public String classPrompt(String prompt) {
        return replaced(prompt, null);
    }

    /** Per subject, the positions of its token's text tokens in the personal prompt. */
    public List<int[]> personalPositions(SdModel model, String prompt) {
        List<int[]> out = new ArrayList<>();
        for (RetouchSubject s : all) {
            out.add(TokenPositions.of(model, prompt, s.token()));
        }
        return out;
    }

    /**
     * Per subject, the positions of its class word where it replaced the subject's token in
     * {@link #classPrompt}: two subjects of one class keep apart, and a class word the prompt has of its own is
     * not taken for a subject.
     */
    public List<int[]> classPositions(SdModel model, String prompt) {
        List<List<Integer>> offsets = new ArrayList<>();
        all.forEach(s -> offsets.add(new ArrayList<>()));
        String classPrompt = replaced(prompt, offsets);
        List<int[]> out = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            List<Integer> positions = new ArrayList<>();
            for (int offset : offsets.get(k)) {
                for (int p : TokenPositions.at(model, classPrompt, offset, all.get(k).classWord())) {
                    positions.add(p);
                }
            }
            out.add(positions.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * The switch for all subjects' weights at once. Turning them off stops at a subject that cannot be switched off
     * (a fully fine-tuned model) with the others restored, so a failure leaves the model as it was.
     */
    public ConceptSwitch weights() {
        if (all.size() == 1) {
            return all.get(0).weights();
        }
        List<ConceptSwitch> distinct = new ArrayList<>();
        for (RetouchSubject s : all) {
            if (distinct.stream().noneMatch(w -> w == s.weights())) {
                distinct.add(s.weights());
            }
        }
        return active -> {
            List<ConceptSwitch> done = new ArrayList<>();
            try {
                for (ConceptSwitch w : distinct) {
                    w.setActive(active);
                    done.add(w);
                }
            } catch (RuntimeException e) {
                done.forEach(w -> w.setActive(!active));
                throw e;
            }
        };
    }

    /** The class prompt, noting in {@code offsets} (per subject, when given) where each class word went. */
    private String replaced(String prompt, List<List<Integer>> offsets) {
        for (RetouchSubject s : all) {
            s.classPrompt(s.token()); // fails with the message for a subject without a class word
        }
        StringBuilder alternatives = new StringBuilder();
        for (RetouchSubject s : all) {
            alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(s.token()));
        }
        Matcher m = Pattern.compile("(?<![\\w-])(?:" + alternatives + ")(?![\\w-])").matcher(prompt);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int k = indexOf(m.group());
            m.appendReplacement(out, "");
            if (offsets != null) {
                offsets.get(k).add(out.length());
            }
            out.append(all.get(k).classWord());
        }
        m.appendTail(out);
        return out.toString();
    }

    private int indexOf(String token) {
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).token().equals(token)) {
                return k;
            }
        }
        throw new IllegalStateException("no subject has the token " + token);
    }
}
