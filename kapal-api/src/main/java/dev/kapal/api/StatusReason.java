package dev.kapal.api;

/**
 * The {@code reason} values of a Kubernetes {@code Status} failure, with the HTTP code each one
 * is sent with (upstream {@code metav1.StatusReason}).
 */
public enum StatusReason {
    BAD_REQUEST("BadRequest", 400),
    UNAUTHORIZED("Unauthorized", 401),
    FORBIDDEN("Forbidden", 403),
    NOT_FOUND("NotFound", 404),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    NOT_ACCEPTABLE("NotAcceptable", 406),
    ALREADY_EXISTS("AlreadyExists", 409),
    CONFLICT("Conflict", 409),
    GONE("Gone", 410),
    EXPIRED("Expired", 410),
    REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", 413),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415),
    INVALID("Invalid", 422),
    TOO_MANY_REQUESTS("TooManyRequests", 429),
    INTERNAL_ERROR("InternalError", 500),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503),
    TIMEOUT("Timeout", 504);

    private final String wireName;
    private final int code;

    StatusReason(String wireName, int code) {
        this.wireName = wireName;
        this.code = code;
    }

    /** The reason as written in {@code Status.reason}. */
    public String wireName() {
        return wireName;
    }

    /** The HTTP status code sent with this reason. */
    public int code() {
        return code;
    }
}
