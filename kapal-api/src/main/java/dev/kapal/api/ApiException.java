package dev.kapal.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure that crosses the API as a Kubernetes {@code Status}: it carries the reason (and so
 * the HTTP code), the message and the details upstream would send. Everything the API server
 * refuses is refused by throwing one of these; anything else reaching the HTTP front is a bug
 * and is reported as a 500 {@code InternalError} without a stack trace.
 *
 * <p>The factories reproduce upstream's messages ({@code k8s.io/apimachinery/pkg/api/errors}).
 */
public final class ApiException extends RuntimeException {
    private final StatusReason reason;
    private final int code;
    private final Optional<Details> details;
    private final Optional<Long> retryAfterSeconds;

    /**
     * {@code Status.details}: what the failure was about.
     *
     * @param name   the object name, may be empty
     * @param group  the API group, may be empty
     * @param kind   the resource (plural) or kind, as upstream fills it
     * @param causes field-level causes
     */
    public record Details(String name, String group, String kind, List<StatusCause> causes) {
        public Details {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(kind, "kind");
            causes = List.copyOf(causes);
        }
    }

    public ApiException(StatusReason reason, String message) {
        this(reason, reason.code(), message, Optional.empty(), Optional.empty());
    }

    public ApiException(StatusReason reason, int code, String message, Optional<Details> details,
                        Optional<Long> retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.code = code;
        this.details = Objects.requireNonNull(details, "details");
        this.retryAfterSeconds = Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
    }

    public StatusReason reason() {
        return reason;
    }

    public int code() {
        return code;
    }

    public Optional<Details> details() {
        return details;
    }

    public Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private static Optional<Details> details(GroupVersionResource resource, String name) {
        return Optional.of(new Details(name, resource.group(), resource.resource(), List.of()));
    }

    /** {@code pods "x" not found}. */
    public static ApiException notFound(GroupVersionResource resource, String name) {
        return new ApiException(StatusReason.NOT_FOUND, 404,
                resource.groupResource() + " \"" + name + "\" not found", details(resource, name), Optional.empty());
    }

    /** {@code configmaps "x" already exists}. */
    public static ApiException alreadyExists(GroupVersionResource resource, String name) {
        return new ApiException(StatusReason.ALREADY_EXISTS, 409,
                resource.groupResource() + " \"" + name + "\" already exists", details(resource, name), Optional.empty());
    }

    /**
     * {@code Operation cannot be fulfilled on configmaps "x": <why>}; the usual why is
     * {@link #OBJECT_MODIFIED}.
     */
    public static ApiException conflict(GroupVersionResource resource, String name, String why) {
        return new ApiException(StatusReason.CONFLICT, 409,
                "Operation cannot be fulfilled on " + resource.groupResource() + " \"" + name + "\": " + why,
                details(resource, name), Optional.empty());
    }

    /** The reason upstream gives for a failed optimistic-concurrency check. */
    public static final String OBJECT_MODIFIED =
            "the object has been modified; please apply your changes to the latest version and try again";

    /**
     * {@code ConfigMap "x" is invalid: [metadata.name: Required value, ...]} (the kind qualified by
     * its group outside the core group: {@code Deployment.apps "x" is invalid: ...}) with the causes
     * as details.
     */
    public static ApiException invalid(GroupVersionKind kind, String name, List<StatusCause> causes) {
        // Upstream qualifies the kind with its group (Deployment.apps), except in the core group.
        String qualified = kind.group().isEmpty() ? kind.kind() : kind.kind() + "." + kind.group();
        StringBuilder message = new StringBuilder(qualified).append(" \"").append(name).append("\" is invalid: ");
        if (causes.size() == 1) {
            message.append(causes.get(0).describe());
        } else {
            message.append('[');
            for (int i = 0; i < causes.size(); i++) {
                if (i > 0) {
                    message.append(", ");
                }
                message.append(causes.get(i).describe());
            }
            message.append(']');
        }
        return new ApiException(StatusReason.INVALID, 422, message.toString(),
                Optional.of(new Details(name, kind.group(), kind.kind(), causes)), Optional.empty());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(StatusReason.BAD_REQUEST, message);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(StatusReason.METHOD_NOT_ALLOWED, message);
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(StatusReason.NOT_ACCEPTABLE, message);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(StatusReason.UNSUPPORTED_MEDIA_TYPE,
                "the body of the request was in an unknown format - accepted media types include: "
                        + "application/json, application/yaml, application/vnd.kubernetes.protobuf");
    }

    public static ApiException requestEntityTooLarge(String message) {
        return new ApiException(StatusReason.REQUEST_ENTITY_TOO_LARGE, message);
    }

    /** 410 {@code Expired}: a continue token or list resourceVersion older than the compacted history. */
    public static ApiException expired(String message) {
        return new ApiException(StatusReason.EXPIRED, message);
    }

    /** 410 {@code Gone}: a watch from a resourceVersion older than the retained history. */
    public static ApiException gone(String message) {
        return new ApiException(StatusReason.GONE, message);
    }

    public static ApiException unauthorized() {
        return new ApiException(StatusReason.UNAUTHORIZED, "Unauthorized");
    }

    /** Upstream's {@code NewForbidden}: {@code <resource> "<name>" is forbidden: <why>}, with details. */
    public static ApiException forbidden(GroupVersionResource resource, String name, String why) {
        return new ApiException(StatusReason.FORBIDDEN, 403,
                resource.groupResource() + " \"" + name + "\" is forbidden: " + why, details(resource, name), Optional.empty());
    }

    public static ApiException forbidden(String message) {
        return new ApiException(StatusReason.FORBIDDEN, message);
    }

    public static ApiException internal(String message) {
        return new ApiException(StatusReason.INTERNAL_ERROR, "Internal error occurred: " + message);
    }

    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(StatusReason.TOO_MANY_REQUESTS, 429, message, Optional.empty(),
                Optional.of(retryAfterSeconds));
    }

    public static ApiException timeout(String message) {
        return new ApiException(StatusReason.TIMEOUT, message);
    }

    public static ApiException serviceUnavailable(String message) {
        return new ApiException(StatusReason.SERVICE_UNAVAILABLE, message);
    }
}
