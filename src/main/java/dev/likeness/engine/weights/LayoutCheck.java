package dev.likeness.engine.weights;

import java.util.Arrays;
import java.util.Map;

/** Compares the parameters a checkpoint provides with the ones its config calls for. */
final class LayoutCheck {
    private LayoutCheck() {}

    /**
     * @param where     the file name and ": ", for messages
     * @param component e.g. "UNet"
     * @param configName where the expectation comes from, e.g. "unet/config.json"
     * @throws WeightsFormatException naming the first missing or differently shaped parameter (in the config's
     *         order), else the first unexpected one
     */
    static void check(String where, String component, String configName, Map<String, long[]> expected,
            Map<String, TensorRoute> actual) throws WeightsFormatException {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorRoute route = actual.get(e.getKey());
            if (route == null) {
                throw new WeightsFormatException(where + component + " parameter '" + e.getKey() + "' is missing (its "
                        + configName + " calls for it)");
            }
            if (!Arrays.equals(route.shape(), e.getValue())) {
                throw new WeightsFormatException(where + component + " parameter '" + e.getKey() + "'"
                        + from(route) + " has shape " + Arrays.toString(route.shape()) + " but " + configName
                        + " calls for " + Arrays.toString(e.getValue()));
            }
        }
        for (TensorRoute route : actual.values()) {
            if (!expected.containsKey(route.target())) {
                throw new WeightsFormatException(where + "unexpected " + component + " parameter '" + route.target()
                        + "'" + from(route) + " (not in a model built from " + configName + ")");
            }
        }
    }

    private static String from(TensorRoute route) {
        return route.source().equals(route.target()) ? "" : " (stored as '" + route.source() + "')";
    }
}
