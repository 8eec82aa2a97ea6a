package dev.likeness.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Comparisons of name → shape tables and of configs, with messages that list what differs. */
final class ShapeAssertions {
    private ShapeAssertions() {}

    static void assertSameShapes(Map<String, long[]> expected, Map<String, long[]> actual, String what) {
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        TreeSet<String> unexpected = new TreeSet<>(actual.keySet());
        unexpected.removeAll(expected.keySet());
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] a = actual.get(e.getKey());
            if (a != null && !Arrays.equals(a, e.getValue())) {
                differing.add(e.getKey() + " " + Arrays.toString(a) + " != " + Arrays.toString(e.getValue()));
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !differing.isEmpty()) {
            fail(what + ": " + missing.size() + " missing " + head(missing) + ", " + unexpected.size() + " unexpected "
                    + head(unexpected) + ", " + differing.size() + " with other shapes " + head(differing));
        }
        assertEquals(expected.size(), actual.size(), what);
    }

    private static String head(java.util.Collection<String> names) {
        return names.stream().limit(5).toList().toString();
    }

    /** Config values equal, numbers compared by value (1 == 1.0). */
    static void assertConfigValue(JsonNode expected, JsonNode actual, String what) {
        if (expected.isNumber() && actual.isNumber()) {
            assertEquals(expected.asDouble(), actual.asDouble(), 0.0, what);
        } else if (expected.isArray() && actual.isArray()) {
            assertEquals(expected.size(), actual.size(), what + " (length) " + expected + " vs " + actual);
            for (int i = 0; i < expected.size(); i++) {
                assertConfigValue(expected.get(i), actual.get(i), what + "[" + i + "]");
            }
        } else {
            assertEquals(expected, actual, what);
        }
    }

    static void assertConfigKeys(JsonNode expected, JsonNode actual, List<String> keys, String what) {
        for (String key : keys) {
            assertTrue(expected.has(key), what + ": reference lacks " + key);
            assertTrue(actual.has(key), what + ": result lacks " + key);
            assertConfigValue(expected.get(key), actual.get(key), what + "." + key);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
