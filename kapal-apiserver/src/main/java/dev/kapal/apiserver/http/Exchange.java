package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, with blocking helpers: handlers run on virtual threads, so they
 * read bodies and write answers (and watch streams) in plain sequential code.
 */
public final class Exchange {
    private final java.util.Set<String> warnings = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Fields query;
    private final int maxBodyBytes;
    private boolean committed;
    private int status = 200;

    Exchange(Request request, Response response, Callback callback, int maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.maxBodyBytes = maxBodyBytes;
        Fields parsed;
        try {
            parsed = Request.extractQueryParameters(request);
        } catch (RuntimeException malformed) {
            parsed = new Fields();
        }
        this.query = parsed;
    }

    public String method() {
        return request.getMethod();
    }

    public String path() {
        return request.getHttpURI().getPath();
    }

    /** A query parameter, if present (the first value). */
    public Optional<String> query(String name) {
        Fields.Field field = query.get(name);
        return field == null ? Optional.empty() : Optional.ofNullable(field.getValue());
    }

    /** The raw (still encoded) query string, empty when absent. */
    public String rawQuery() {
        String query = request.getHttpURI().getQuery();
        return query == null ? "" : query;
    }

    public List<String> queryValues(String name) {
        Fields.Field field = query.get(name);
        return field == null ? List.of() : field.getValues();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    public Optional<String> header(HttpHeader header) {
        return Optional.ofNullable(request.getHeaders().get(header));
    }

    Request request() {
        return request;
    }

    Response response() {
        return response;
    }

    Callback callback() {
        return callback;
    }

    /** Records that someone else (an upgrade proxy) answered with {@code code} through {@link #response()}. */
    void answeredElsewhere(int code) {
        status = code;
        committed = true;
    }

    /** The request body, refused with 413 beyond the configured limit. */
    public byte[] body() {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw ApiException.requestEntityTooLarge("Request entity too large: limit is " + maxBodyBytes);
        }
        try (InputStream in = Request.asInputStream(request)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
            byte[] buffer = new byte[16384];
            int total = 0;
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
                if (total > maxBodyBytes) {
                    throw ApiException.requestEntityTooLarge("Request entity too large: limit is " + maxBodyBytes);
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    /** The status code sent (for metrics and logs). */
    public int status() {
        return status;
    }

    public boolean committed() {
        return committed;
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /**
     * Adds a {@code Warning} header in the form Kubernetes sends ({@code 299 - "<text>"}, the text
     * quoted as an HTTP quoted-string), once per distinct text: a request retried internally
     * (an update on conflict) warns once.
     */
    public void addWarning(String text) {
        if (warnings.add(text)) {
            response.getHeaders().add("Warning", "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
    }

    /** Sends a whole answer and completes the exchange. */
    public void respond(int code, String contentType, byte[] body) {
        status = code;
        committed = true;
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (request.getMethod().equals("HEAD")) {
            response.write(true, null, callback);
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /**
     * A 304 Not Modified: no body and, unlike {@link #respond}, no Content-Type or Content-Length.
     * HTTP caches (kubectl's among them) merge a 304's headers into the response they stored, so a
     * Content-Type here would overwrite the stored representation's (kubectl then read cached
     * aggregated discovery as the legacy form and found no resources at all).
     */
    public void respondNotModified() {
        status = 304;
        committed = true;
        response.setStatus(304);
        response.write(true, null, callback);
    }

    public void respondJson(int code, JsonNode body) {
        respond(code, "application/json", Json.write(body));
    }

    /** Starts a streamed answer (watch); follow with {@link #stream} and {@link #endStream}. */
    public void startStream(int code, String contentType) {
        status = code;
        committed = true;
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(new HttpField(HttpHeader.CACHE_CONTROL, "no-cache, private"));
        // Send the headers now: a client waits for them before it considers the watch open, and
        // a quiet resource may not have an event to carry them for a long time.
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(false, java.nio.ByteBuffer.allocate(0), blocker);
            blocker.block();
        } catch (IOException clientGone) {
            // The stream's first write will see the broken connection and end the watch.
        }
    }

    /** Writes and flushes one chunk of a stream, blocking until the client took it. */
    public void stream(byte[] chunk) throws IOException {
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(chunk), blocker);
            blocker.block();
        }
    }

    /** Ends a stream and completes the exchange. */
    public void endStream() {
        response.write(true, null, callback);
    }

    /** Fails the exchange (the connection is reset); for streams that cannot end cleanly. */
    public void abort(Throwable cause) {
        callback.failed(cause);
    }
}
