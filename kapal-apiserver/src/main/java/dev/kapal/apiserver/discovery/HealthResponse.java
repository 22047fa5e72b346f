package dev.kapal.apiserver.discovery;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of {@link Health}: 200 or 500 with a plain-text body. The content type and the
 * {@code nosniff} header are fixed (upstream sets both), so the HTTP layer copies {@link #headers()}.
 */
public record HealthResponse(int status, String body) {
    public static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    public HealthResponse {
        Objects.requireNonNull(body, "body");
    }

    public String contentType() {
        return CONTENT_TYPE;
    }

    public Map<String, String> headers() {
        return Map.of("Content-Type", CONTENT_TYPE, "X-Content-Type-Options", "nosniff");
    }

    public byte[] bodyBytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
