package dev.likeness.methods;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Binds a method's settings record from JSON, strictly: the given fields are laid over the method's defaults, an
 * unknown name is an error that lists the known ones (a typo is never ignored), and a value of the wrong type is an
 * error naming the setting.
 */
public final class MethodSettings {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /** A bad setting: {@code name} is the JSON name it concerns (null when it is about the whole record). */
    public static final class BadSetting extends IllegalArgumentException {
        private final String name;

        public BadSetting(String name, String message) {
            super(message);
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    private MethodSettings() {}

    /** The method's settings: {@code given} (may be null or empty) over its defaults. */
    public static <S extends Record> S bind(PersonalizationMethod<S> method, JsonNode given) {
        ObjectNode merged = STRICT.valueToTree(method.defaults());
        List<String> known = names(method.settingsType());
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw new BadSetting(null, "the settings of " + method.id() + " must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!known.contains(e.getKey())) {
                    throw unknown(method, e.getKey());
                }
                merged.set(e.getKey(), e.getValue());
            }
        }
        try {
            return STRICT.treeToValue(merged, method.settingsType());
        } catch (UnrecognizedPropertyException e) {
            throw unknown(method, e.getPropertyName());
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BadSetting(null, cause.getMessage());
        } catch (MismatchedInputException e) {
            String name = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
            throw new BadSetting(name, "option " + name + " of " + method.id() + " must be " + typeName(method, name)
                    + ", not " + merged.path(name == null ? "" : name));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadSetting(null, "bad settings for " + method.id() + ": " + e.getOriginalMessage());
        }
    }

    /**
     * A CLI value as JSON: a number, true/false or null where it parses as one, else a string ({@code
     * --option templates=style}). A quoted value stays a string.
     */
    public static JsonNode cliValue(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return STRICT.getNodeFactory().textNode(text.substring(1, text.length() - 1));
        }
        try {
            JsonNode n = STRICT.readTree(text);
            if (n != null && (n.isNumber() || n.isBoolean() || n.isNull())) {
                return n;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // not a JSON scalar: a string
        }
        return STRICT.getNodeFactory().textNode(text);
    }

    /** A CLI key as its JSON name: {@code lora-rank} → {@code loraRank} (JSON names pass unchanged). */
    public static String jsonName(String key) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : key.strip().toCharArray()) {
            if (c == '-' || c == '_') {
                up = b.length() > 0;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /** The record's JSON names, in declaration order. */
    public static List<String> names(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    /** A setting's JSON type: integer, number, boolean or string. */
    public static String type(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "integer";
        }
        if (t == float.class || t == Float.class || t == double.class || t == Double.class) {
            return "number";
        }
        return t == boolean.class || t == Boolean.class ? "boolean" : "string";
    }

    private static String typeName(PersonalizationMethod<?> method, String name) {
        return Arrays.stream(method.settingsType().getRecordComponents()).filter(c -> c.getName().equals(name))
                .map(c -> switch (type(c)) {
                    case "integer" -> "a whole number";
                    case "number" -> "a number";
                    case "boolean" -> "true or false";
                    default -> "a string";
                }).findFirst().orElse("valid");
    }

    private static BadSetting unknown(PersonalizationMethod<?> method, String name) {
        return new BadSetting(name, "unknown option '" + name + "' for " + method.id() + "; known: "
                + String.join(", ", names(method.settingsType())));
    }
}
