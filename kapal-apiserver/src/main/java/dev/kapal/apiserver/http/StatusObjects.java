package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusCause;

/** Renders {@code Status} objects, the body of every failure and of some successes. */
public final class StatusObjects {
    private StatusObjects() {
    }

    /** The {@code Status} of a failure. */
    public static ObjectNode failure(ApiException error) {
        ObjectNode status = base();
        status.put("status", "Failure");
        status.put("message", error.getMessage());
        status.put("reason", error.reason().wireName());
        error.details().ifPresent(details -> {
            ObjectNode node = status.putObject("details");
            if (!details.name().isEmpty()) {
                node.put("name", details.name());
            }
            if (!details.group().isEmpty()) {
                node.put("group", details.group());
            }
            if (!details.kind().isEmpty()) {
                node.put("kind", details.kind());
            }
            if (!details.causes().isEmpty()) {
                ArrayNode causes = node.putArray("causes");
                for (StatusCause cause : details.causes()) {
                    ObjectNode item = causes.addObject();
                    item.put("reason", cause.reason());
                    item.put("message", cause.message());
                    item.put("field", cause.field());
                }
            }
        });
        error.retryAfterSeconds().ifPresent(seconds -> {
            ObjectNode node = status.has("details") ? (ObjectNode) status.get("details") : status.putObject("details");
            node.put("retryAfterSeconds", seconds);
        });
        status.put("code", error.code());
        return status;
    }

    /** The {@code Status} of a successful delete that returns no object. */
    public static ObjectNode deleted(String name, String group, String resource, String uid) {
        ObjectNode status = base();
        status.put("status", "Success");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", resource);
        if (!uid.isEmpty()) {
            details.put("uid", uid);
        }
        return status;
    }

    /** A plain success {@code Status} (bindings, evictions). */
    public static ObjectNode success(int code) {
        ObjectNode status = base();
        status.put("status", "Success");
        status.put("code", code);
        return status;
    }

    private static ObjectNode base() {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        return status;
    }
}
