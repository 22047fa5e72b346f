package dev.kapal.apiserver.http;

import dev.kapal.api.ApiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a request is about, as upstream's {@code RequestInfoFactory} reads it from the path:
 * either a resource request ({@code /api/v1/namespaces/ns/pods/name/status}) with its verb, or a
 * non-resource request ({@code /healthz}, {@code /version}, discovery).
 */
public sealed interface RequestInfo {

    /**
     * A request for a resource.
     *
     * @param verb        get, list, watch, create, update, patch, delete, deletecollection
     * @param group       the API group ("" for core)
     * @param version     the API version
     * @param namespace   the namespace ("" when none)
     * @param resource    the resource (plural)
     * @param name        the object name ("" when none)
     * @param subresource the subresource ("" when none)
     */
    record Resource(String verb, String group, String version, String namespace, String resource, String name,
                    String subresource) implements RequestInfo {
        public Resource {
            Objects.requireNonNull(verb, "verb");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(subresource, "subresource");
        }
    }

    /** Anything else: discovery documents, health, version, metrics, OpenAPI. */
    record NonResource(String verb, String path) implements RequestInfo {
    }

    /** Subresources of namespaces that follow the namespace name directly. */
    Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
    /** Pod subresources that open a streaming session (upstream's "connect" verbs). */
    Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward");

    /**
     * Reads a request.
     *
     * @param method the HTTP method
     * @param path   the raw (still percent-encoded) path
     * @param watch  whether the query asks for a watch ({@code watch=true} or {@code watch=1})
     * @throws ApiException 404 for a malformed path
     */
    static RequestInfo parse(String method, String path, boolean watch) {
        String lowerVerb = method.toLowerCase();
        List<String> parts = split(path);
        if (parts.size() < 2 || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
            return new NonResource(lowerVerb, path);
        }
        int index;
        String group;
        String version;
        if (parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            index = 2;
        } else {
            if (parts.size() < 3) {
                return new NonResource(lowerVerb, path);
            }
            group = parts.get(1);
            version = parts.get(2);
            index = 3;
        }
        List<String> rest = parts.subList(index, parts.size());
        if (rest.isEmpty()) {
            return new NonResource(lowerVerb, path);
        }
        boolean legacyWatch = false;
        if (rest.get(0).equals("watch")) {
            legacyWatch = true;
            rest = rest.subList(1, rest.size());
            if (rest.isEmpty()) {
                throw notFound(path);
            }
        }
        String namespace = "";
        if (rest.get(0).equals("namespaces") && rest.size() > 1) {
            namespace = rest.get(1);
            if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
                rest = rest.subList(2, rest.size());
            }
        }
        String resource = rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : "";
        String subresource = rest.size() > 2 ? rest.get(2) : "";
        if (rest.size() > 3 && !subresource.equals("proxy")) {
            throw notFound(path);
        }
        if (resource.equals("namespaces") && !namespace.isEmpty() && name.equals(namespace)) {
            namespace = "";
        }
        String verb = switch (method) {
            case "GET", "HEAD" -> {
                if (legacyWatch || watch) {
                    yield "watch";
                }
                yield name.isEmpty() ? "list" : "get";
            }
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> lowerVerb;
        };
        if (CONNECT_SUBRESOURCES.contains(subresource) && resource.equals("pods") && !name.isEmpty()
                && (method.equals("GET") || method.equals("POST"))) {
            // A streaming session creates something whichever method opens it (SPDY uses POST,
            // WebSocket GET): authorized as create, as upstream does since WebSocket exec
            // (AuthorizePodWebsocketUpgradeCreatePermission), so read-only roles cannot exec.
            verb = "create";
        }
        if (resource.equals("namespaces") && !name.isEmpty()) {
            // /api/v1/namespaces/x is the namespace x itself, not content of it.
            namespace = "";
        }
        return new Resource(verb, group, version, namespace, resource, name, subresource);
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                if (segment.equals(".") || segment.equals("..")) {
                    throw notFound(path);
                }
                try {
                    parts.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw notFound(path);
                }
            }
        }
        return parts;
    }

    private static ApiException notFound(String path) {
        return new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
    }
}
