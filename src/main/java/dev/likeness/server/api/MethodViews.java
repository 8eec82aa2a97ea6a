package dev.likeness.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.methods.LoopDefaults;
import dev.likeness.methods.MethodRegistry;
import dev.likeness.methods.MethodSettings;
import dev.likeness.methods.PersonalizationMethod;
import dev.likeness.methods.SettingDoc;
import dev.likeness.util.Json;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /api/v1/methods}: every registered method with its settings, defaults and their sources. */
public final class MethodViews {
    private MethodViews() {}

    /** One setting: JSON name, JSON type, default (null: derived, see the description) and its source. */
    public record Option(String name, String type, JsonNode defaultValue, String source, String description) {}

    /** One method; {@code loop} holds the loop's defaults (steps, lr, batch, gradAccum, ...). */
    public record Method(String id, List<String> aliases, String title, LoopDefaults loop, List<Option> options) {}

    public record Methods(List<Method> methods) {}

    public static Methods of(MethodRegistry registry) {
        List<Method> out = new ArrayList<>();
        for (PersonalizationMethod<?> m : registry.all()) {
            out.add(view(m));
        }
        return new Methods(out);
    }

    private static <S extends Record> Method view(PersonalizationMethod<S> m) {
        JsonNode defaults = Json.MAPPER.valueToTree(m.defaults());
        List<Option> options = new ArrayList<>();
        for (RecordComponent c : m.settingsType().getRecordComponents()) {
            SettingDoc doc = m.docs().stream().filter(d -> d.name().equals(c.getName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException(m.id() + " does not document " + c.getName()));
            options.add(new Option(c.getName(), MethodSettings.type(c), defaults.get(c.getName()), doc.source(),
                    doc.description()));
        }
        return new Method(m.id(), m.aliases(), m.title(), m.loopDefaults(m.defaults()), options);
    }
}
