package dev.likeness.engine.weights;

import java.io.IOException;

/** A weights file or folder that is malformed, unsupported or does not fit the model. The message is user-facing. */
public class WeightsFormatException extends IOException {
    public WeightsFormatException(String message) {
        super(message);
    }

    public WeightsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
