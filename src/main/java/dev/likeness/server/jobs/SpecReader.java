package dev.likeness.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.server.api.ApiException;
import java.util.ArrayList;
import java.util.List;

/** Typed, range-checked reads from a job spec; every refusal is a 400 naming the field. */
public final class SpecReader {
    private final ObjectNode spec;

    public SpecReader(ObjectNode spec) {
        this.spec = spec;
    }

    public String string(String field, String fallback, int maxChars) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        if (v.asText().length() > maxChars) {
            throw ApiException.badRequest(field, field + " is longer than " + maxChars + " characters");
        }
        return v.asText();
    }

    public String requiredString(String field, int maxChars) {
        String s = string(field, null, maxChars);
        if (s == null || s.isBlank()) {
            throw ApiException.badRequest(field, field + " is required");
        }
        return s;
    }

    public int integer(String field, int fallback, int min, int max) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiException.badRequest(field, field + " must be an integer between " + min + " and " + max);
        }
        return v.asInt();
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field, field + " must be true or false");
        }
        return v.asBoolean();
    }

    public Long optionalLong(String field) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest(field, field + " must be an integer");
        }
        return v.asLong();
    }

    public float number(String field, float fallback, float min, float max) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !(v.floatValue() >= min && v.floatValue() <= max)) {
            throw ApiException.badRequest(field, field + " must be a number between " + min + " and " + max);
        }
        return v.floatValue();
    }

    public List<String> strings(String field, int maxItems, int maxChars) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.size() > maxItems) {
            throw ApiException.badRequest(field, field + " must be an array of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || item.asText().length() > maxChars) {
                throw ApiException.badRequest(field + "[" + i + "]", "must be a string of at most " + maxChars
                        + " characters");
            }
            out.add(item.asText());
        }
        return out;
    }
}
