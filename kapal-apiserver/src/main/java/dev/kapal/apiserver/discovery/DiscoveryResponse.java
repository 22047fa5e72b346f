package dev.kapal.apiserver.discovery;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One answer of {@link Discovery}, ready to be copied onto the wire: status, content type (empty
 * for 304, which has no body), body and extra headers ({@code ETag}, {@code Vary},
 * {@code Cache-Control}).
 *
 * <p>The body array is shared with the cache and must not be modified.
 */
public record DiscoveryResponse(int status, Optional<String> contentType, byte[] body, Map<String, String> headers) {
    public DiscoveryResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    public static DiscoveryResponse ok(String contentType, byte[] body, Map<String, String> headers) {
        return new DiscoveryResponse(200, Optional.of(contentType), body, headers);
    }

    public static DiscoveryResponse notModified(Map<String, String> headers) {
        return new DiscoveryResponse(304, Optional.empty(), new byte[0], headers);
    }

    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** The body as text, for logs and tests. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DiscoveryResponse[" + status + " " + contentType.orElse("-") + " " + body.length + " bytes " + headers + "]";
    }
}
