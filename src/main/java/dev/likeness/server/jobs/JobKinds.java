package dev.likeness.server.jobs;

import java.util.List;

/** Job kinds clients may submit; {@link #LOAD_MODEL} is internal (submitted by the model routes). */
public final class JobKinds {
    public static final String GENERATE = "generate";
    public static final String PERSONALIZE = "personalize";
    public static final String RETOUCH = "retouch";
    public static final String LOAD_MODEL = "load-model";
    /** A {@code generate} mode (not a kind): Layout-and-Retouch. */
    public static final String LAYOUT_RETOUCH = "layout-retouch";
    public static final List<String> PUBLIC = List.of(GENERATE, PERSONALIZE, RETOUCH);

    private JobKinds() {}
}
