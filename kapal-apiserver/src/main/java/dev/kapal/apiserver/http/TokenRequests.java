package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.auth.ServiceAccountTokens;
import dev.kapal.apiserver.registry.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code serviceaccounts/token} (create): issues a {@code TokenRequest}, as upstream's token REST.
 * {@code spec.expirationSeconds} defaults to 3600 and must be at least 600 (422 otherwise); without
 * {@code spec.audiences} the token gets the API's audiences. A {@code boundObjectRef} to a Pod,
 * Secret or Node binds the token to that object, which must exist (404), carry the given uid
 * (409 Conflict) and, for a pod, run as this service account (400); other kinds are 400. The
 * answer is the request with {@code status.token} and {@code status.expirationTimestamp}.
 */
final class TokenRequests {
    private static final GroupVersionKind KIND = new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest");
    private static final GroupVersionResource SERVICE_ACCOUNTS = new GroupVersionResource("", "v1", "serviceaccounts");
    private static final GroupVersionResource PODS = new GroupVersionResource("", "v1", "pods");
    private static final GroupVersionResource SECRETS = new GroupVersionResource("", "v1", "secrets");
    private static final GroupVersionResource NODES = new GroupVersionResource("", "v1", "nodes");
    private static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    private static final long MIN_EXPIRATION_SECONDS = 600;
    private static final long MAX_EXPIRATION_SECONDS = 1L << 32;

    private final Function<GroupVersionResource, Optional<ResourceStore>> stores;
    private final ServiceAccountTokens tokens;

    TokenRequests(Function<GroupVersionResource, Optional<ResourceStore>> stores, ServiceAccountTokens tokens) {
        this.stores = stores;
        this.tokens = tokens;
    }

    void create(String namespace, String serviceAccount, ObjectNode request, Exchange exchange) {
        JsonNode kind = request.path("kind");
        if (kind.isTextual() && !kind.asText().isEmpty() && !kind.asText().equals("TokenRequest")) {
            throw ApiException.badRequest("the body of the request was of kind " + kind.asText() + ", expected TokenRequest");
        }
        ObjectNode spec = request.path("spec") instanceof ObjectNode given ? given : request.putObject("spec");
        JsonNode requested = spec.path("expirationSeconds");
        long seconds = requested.isIntegralNumber() ? requested.asLong() : DEFAULT_EXPIRATION_SECONDS;
        spec.put("expirationSeconds", seconds);
        if (seconds < MIN_EXPIRATION_SECONDS) {
            throw ApiException.invalid(KIND, "", List.of(StatusCause.invalid("spec.expirationSeconds", seconds,
                    "may not specify a duration less than 10 minutes")));
        }
        if (seconds > MAX_EXPIRATION_SECONDS) {
            throw ApiException.invalid(KIND, "", List.of(StatusCause.invalid("spec.expirationSeconds", seconds,
                    "may not specify a duration larger than 2^32 seconds")));
        }
        ObjectNode account = store(SERVICE_ACCOUNTS).get(namespace, serviceAccount, "");

        Optional<ServiceAccountTokens.Binding> bound = Optional.empty();
        Optional<ServiceAccountTokens.Binding> node = Optional.empty();
        JsonNode reference = spec.path("boundObjectRef");
        if (reference.isObject()) {
            String refKind = reference.path("kind").asText("");
            String apiVersion = reference.path("apiVersion").asText("");
            String refName = reference.path("name").asText("");
            boolean core = apiVersion.equals("v1") || apiVersion.isEmpty();
            ObjectNode object;
            switch (core ? refKind : "") {
                case "Pod" -> {
                    object = store(PODS).get(namespace, refName, "");
                    if (!serviceAccount.equals(object.path("spec").path("serviceAccountName").asText("default"))) {
                        throw ApiException.badRequest("cannot bind token for serviceaccount \"" + serviceAccount
                                + "\" to pod running with different serviceaccount name.");
                    }
                    String nodeName = object.path("spec").path("nodeName").asText("");
                    if (!nodeName.isEmpty()) {
                        node = stores.apply(NODES).flatMap(nodes -> nodes.peekCached("", nodeName))
                                .map(cached -> new ServiceAccountTokens.Binding("Node", nodeName,
                                        cached.object().path("metadata").path("uid").asText("")));
                    }
                }
                case "Secret" -> object = store(SECRETS).get(namespace, refName, "");
                case "Node" -> object = store(NODES).get("", refName, "");
                default -> throw ApiException.badRequest("cannot bind token to object of type " + groupVersionKindString(apiVersion, refKind));
            }
            String uid = object.path("metadata").path("uid").asText("");
            String wantedUid = reference.path("uid").asText("");
            if (!wantedUid.isEmpty() && !wantedUid.equals(uid)) {
                throw ApiException.conflict(new GroupVersionResource("", "v1", refKind), refName,
                        "the UID in the bound object reference (" + wantedUid
                                + ") does not match the UID in record. The object might have been deleted and then recreated");
            }
            bound = Optional.of(new ServiceAccountTokens.Binding(refKind, refName, uid));
        }
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(audience -> audiences.add(audience.asText()));
        ServiceAccountTokens.Claims claims = tokens.claims(namespace, serviceAccount,
                account.path("metadata").path("uid").asText(""), audiences, bound, node, seconds);
        ArrayNode audienceArray = spec.putArray("audiences");
        claims.audiences().forEach(audienceArray::add);

        request.put("kind", "TokenRequest");
        request.put("apiVersion", "authentication.k8s.io/v1");
        ObjectNode metadata = request.path("metadata") instanceof ObjectNode given ? given : request.putObject("metadata");
        if (!metadata.has("creationTimestamp")) {
            metadata.putNull("creationTimestamp");
        }
        ObjectNode status = request.putObject("status");
        status.put("token", tokens.sign(claims));
        status.put("expirationTimestamp", ResourceStore.timestamp(claims.expiresAt()));
        exchange.respondJson(201, request);
    }

    /** Upstream prints a GroupVersionKind as {@code group/version, Kind=kind} ({@code /v1, Kind=ConfigMap}). */
    private static String groupVersionKindString(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind;
    }

    private ResourceStore store(GroupVersionResource resource) {
        return stores.apply(resource).orElseThrow(() -> ApiException.internal(resource.resource() + " are not served"));
    }
}
