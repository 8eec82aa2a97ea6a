package dev.likeness.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one error shape: {@code {"error": {"code": "...", "message": "...", "field": "..."}}}. */
public record ErrorBody(Error error) {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String code, String message, String field) {}
}
