package dev.likeness.pipeline.layoutretouch;

/**
 * The row layout of the source pass of stage 2. Source 0 is the context, 1.. the references. Guided runs stack
 * all sources' unconditional rows, then all conditional rows, as the target's [uncond; cond] batch is stacked, so
 * target half {@code h} pairs with source rows of half {@code h}.
 */
record SourceBatch(int sources, boolean guided) {
    SourceBatch {
        if (sources < 1) {
            throw new IllegalArgumentException("stage 2 needs at least the context as a source");
        }
    }

    int halves() {
        return guided ? 2 : 1;
    }

    int rows() {
        return sources * halves();
    }

    int row(int source, int half) {
        return half * sources + source;
    }

    /** First row of the conditional half (where text-dependent maps are read). */
    int condRow() {
        return guided ? sources : 0;
    }

    int references() {
        return sources - 1;
    }
}
