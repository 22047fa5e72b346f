package dev.kapal.apiserver.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Plain HTTP requests against a {@link TestCluster}, for what a typed client cannot send. */
final class RawHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI base;

    RawHttp(HttpClient client, URI base) {
        this.client = client;
        this.base = base;
    }

    /** One answer: status, content type, body and the HTTP version it came over. */
    record Answer(int status, String contentType, byte[] body, HttpClient.Version version,
                  java.net.http.HttpHeaders headers) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The body as JSON, or empty when it is not JSON. */
        Optional<JsonNode> json() {
            try {
                return Optional.of(JSON.readTree(body));
            } catch (IOException notJson) {
                return Optional.empty();
            }
        }

        JsonNode jsonOrFail() {
            return json().orElseThrow(() -> new AssertionError("not JSON (" + status + " " + contentType + "): " + text()));
        }
    }

    Answer get(String path) {
        return send("GET", path, null, null);
    }

    Answer send(String method, String path, String contentType, byte[] body) {
        return send(method, path, contentType, body, false);
    }

    /** With {@code expectContinue} the body goes out only after the server's 100 Continue. */
    Answer send(String method, String path, String contentType, byte[] body, boolean expectContinue) {
        return send(method, path, contentType, body, expectContinue, java.util.Map.of());
    }

    /** With extra request headers (a client's {@code User-Agent}). */
    Answer send(String method, String path, String contentType, byte[] body, boolean expectContinue,
                java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(at(path))
                .expectContinue(expectContinue)
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.version(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The request URI: the path appended to the server's address as it is. {@code URI.resolve}
     * would read a path such as {@code //api} as another host.
     */
    private java.net.URI at(String path) {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
        return java.net.URI.create(root + (path.startsWith("/") ? path : "/" + path));
    }
}
