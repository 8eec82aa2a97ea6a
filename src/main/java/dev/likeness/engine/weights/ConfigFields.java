package dev.likeness.engine.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Typed reads from a config.json, with messages that name the file and key. */
final class ConfigFields {
    private final JsonNode config;
    private final String name;

    ConfigFields(JsonNode config, String name) {
        this.config = config;
        this.name = name;
    }

    String name() {
        return name;
    }

    int integer(String key) throws WeightsFormatException {
        JsonNode v = config.path(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw bad(key, "a non-negative integer");
        }
        return v.asInt();
    }

    boolean bool(String key) throws WeightsFormatException {
        JsonNode v = config.path(key);
        if (!v.isBoolean()) {
            throw bad(key, "true or false");
        }
        return v.asBoolean();
    }

    boolean isNull(String key) {
        return config.path(key).isNull() || config.path(key).isMissingNode();
    }

    String text(String key) throws WeightsFormatException {
        JsonNode v = config.path(key);
        if (!v.isTextual()) {
            throw bad(key, "a string");
        }
        return v.asText();
    }

    /** A list of integers (of any length ≥ 1). */
    List<Integer> integers(String key) throws WeightsFormatException {
        JsonNode v = config.path(key);
        if (!v.isArray() || v.isEmpty()) {
            throw bad(key, "a list of integers");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.canConvertToInt() || !x.isIntegralNumber() || x.asInt() <= 0) {
                throw bad(key, "a list of positive integers");
            }
            out.add(x.asInt());
        }
        return out;
    }

    /** An integer per block: diffusers accepts one number for all blocks or a list with one per block. */
    List<Integer> perBlock(String key, int blocks) throws WeightsFormatException {
        if (config.path(key).isArray()) {
            List<Integer> list = integers(key);
            if (list.size() != blocks) {
                throw bad(key, "one value per block (" + blocks + ")");
            }
            return list;
        }
        return new ArrayList<>(Collections.nCopies(blocks, integer(key)));
    }

    List<String> texts(String key, int count) throws WeightsFormatException {
        JsonNode v = config.path(key);
        if (!v.isArray() || v.size() != count) {
            throw bad(key, "a list of " + count + " names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isTextual()) {
                throw bad(key, "a list of names");
            }
            out.add(x.asText());
        }
        return out;
    }

    /** Refuses an option value this engine does not implement. */
    void require(String key, boolean supported) throws WeightsFormatException {
        if (!supported) {
            throw new WeightsFormatException(name + ": " + key + " = " + config.path(key) + " is not supported");
        }
    }

    private WeightsFormatException bad(String key, String what) {
        return new WeightsFormatException(name + ": '" + key + "' must be " + what + " (found "
                + config.path(key) + ")");
    }
}
