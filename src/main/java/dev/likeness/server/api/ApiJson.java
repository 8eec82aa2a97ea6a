package dev.likeness.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Parses client JSON with tight nesting, string and number limits, so hostile JSON fails fast as a 400. */
public final class ApiJson {
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20)
                    .maxNumberLength(64).build())
            .build())
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private ApiJson() {}

    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(400, "INVALID_JSON", "the body is empty; expected a JSON object");
        }
        try {
            return READER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new ApiException(400, "INVALID_JSON", "the JSON is nested too deeply or has too long a value");
        } catch (IOException e) {
            throw new ApiException(400, "INVALID_JSON", "the body is not valid JSON");
        }
    }
}
