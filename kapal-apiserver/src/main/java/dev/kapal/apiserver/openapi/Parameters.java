package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The path and query parameters of the resource operations, in OpenAPI v3 form, grouped the way
 * upstream attaches them to operations. Every operation gets its own copies.
 */
final class Parameters {
    private Parameters() {
    }

    static ObjectNode name(String kind) {
        return path("name", "name of the " + kind);
    }

    static ObjectNode namespace() {
        return path("namespace", "object name and auth scope, such as for teams and projects");
    }

    static ObjectNode pretty() {
        return query("pretty", "string", "If 'true', the output is pretty printed.");
    }

    /** The parameters of list and watch: selectors, paging, resource version semantics and watch options. */
    static List<ObjectNode> list() {
        return List.of(
                query("allowWatchBookmarks", "boolean", "Ask a watch for BOOKMARK events."),
                query("continue", "string", "The continue token of the previous page of a paged list."),
                query("fieldSelector", "string", "Restrict the returned objects by their fields."),
                query("labelSelector", "string", "Restrict the returned objects by their labels."),
                query("limit", "integer", "The maximum number of objects of a list page."),
                query("resourceVersion", "string", "Which resource version the list or watch starts from."),
                query("resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."),
                query("sendInitialEvents", "boolean", "Whether a watch starts with synthetic ADDED events for existing objects."),
                query("timeoutSeconds", "integer", "How long a list or watch call may last."),
                query("watch", "boolean", "Watch for changes instead of listing."));
    }

    /** The parameters of create and replace. */
    static List<ObjectNode> write() {
        return List.of(dryRun(), fieldManager(), fieldValidation());
    }

    /**
     * The parameters of patch. kubectl decides whether the server validates fields itself by
     * finding {@code fieldValidation} among these, on the PATCH operation of the kind.
     */
    static List<ObjectNode> patch() {
        return List.of(dryRun(), fieldManager(), fieldValidation(),
                query("force", "boolean", "Whether an apply request takes over fields owned by other managers."));
    }

    static List<ObjectNode> delete() {
        return List.of(
                dryRun(),
                query("gracePeriodSeconds", "integer", "Seconds before the object is deleted; zero deletes immediately."),
                query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
                        "Delete objects that cannot be read from storage (unsafe)."),
                query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
                query("propagationPolicy", "string", "Orphan, Background or Foreground garbage collection of dependents."));
    }

    static List<ObjectNode> deleteCollection() {
        List<ObjectNode> all = new ArrayList<>(delete());
        for (ObjectNode parameter : list()) {
            String name = parameter.get("name").asText();
            if (!name.equals("allowWatchBookmarks") && !name.equals("watch")) {
                all.add(parameter);
            }
        }
        all.sort(java.util.Comparator.comparing(parameter -> parameter.get("name").asText()));
        return all;
    }

    /** Connect operations (exec, attach, port forwarding, proxy) take their options as query parameters. */
    static List<ObjectNode> connect(String subresource) {
        return switch (subresource) {
            case "exec" -> List.of(query("command", "string", "The command to run, one argument per parameter."),
                    query("container", "string", "The container to run it in."),
                    query("stderr", "boolean", "Redirect standard error."),
                    query("stdin", "boolean", "Redirect standard input."),
                    query("stdout", "boolean", "Redirect standard output."),
                    query("tty", "boolean", "Allocate a terminal."));
            case "attach" -> List.of(query("container", "string", "The container to attach to."),
                    query("stderr", "boolean", "Redirect standard error."),
                    query("stdin", "boolean", "Redirect standard input."),
                    query("stdout", "boolean", "Redirect standard output."),
                    query("tty", "boolean", "Allocate a terminal."));
            case "portforward" -> List.of(query("ports", "integer", "The ports to forward."));
            case "proxy" -> List.of(query("path", "string", "The path to proxy to."));
            default -> List.of();
        };
    }

    private static ObjectNode dryRun() {
        return query("dryRun", "string", "When All, the request is processed but nothing is persisted.");
    }

    private static ObjectNode fieldManager() {
        return query("fieldManager", "string", "The name of the actor making the change, for field ownership.");
    }

    private static ObjectNode fieldValidation() {
        return query("fieldValidation", "string",
                "How the server treats unknown or duplicate fields in the request object: Ignore, Warn or Strict.");
    }

    private static ObjectNode path(String name, String description) {
        ObjectNode parameter = parameter(name, "path", "string", description);
        parameter.put("required", true);
        return parameter;
    }

    private static ObjectNode query(String name, String type, String description) {
        return parameter(name, "query", type, description);
    }

    private static ObjectNode parameter(String name, String in, String type, String description) {
        ObjectNode parameter = Json.object();
        parameter.put("description", description);
        parameter.put("in", in);
        parameter.put("name", name);
        parameter.putObject("schema").put("type", type).put("uniqueItems", true);
        return parameter;
    }
}
