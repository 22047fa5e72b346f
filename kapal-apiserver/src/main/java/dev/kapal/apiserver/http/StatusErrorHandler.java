package dev.kapal.apiserver.http;

import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (unparseable requests, oversized headers) as Kubernetes
 * {@code Status} objects, like every other failure, instead of Jetty's own error pages.
 */
final class StatusErrorHandler extends ErrorHandler {
    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
        StatusReason reason = reasonFor(code);
        ApiException error = new ApiException(reason, code,
                message == null || message.isBlank() ? "the server could not process the request" : message,
                java.util.Optional.empty(), java.util.Optional.empty());
        byte[] body = Json.write(StatusObjects.failure(error));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private static StatusReason reasonFor(int code) {
        for (StatusReason reason : StatusReason.values()) {
            if (reason.code() == code) {
                return reason;
            }
        }
        return code >= 500 ? StatusReason.INTERNAL_ERROR : StatusReason.BAD_REQUEST;
    }
}
