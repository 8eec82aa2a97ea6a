package dev.likeness.server.api;

/**
 * A refusal that reaches the client as {@code {"error": {"code", "message", "field"?}}} with an HTTP status
 * (or as a Py4J error "CODE: message"). Never carries a stack trace or a server path.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "INVALID_REQUEST", message, field);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "NOT_FOUND", what + " not found");
    }

    public static ApiException tooLarge(String code, String message) {
        return new ApiException(413, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public ErrorBody body() {
        return new ErrorBody(new ErrorBody.Error(code, getMessage(), field));
    }
}
