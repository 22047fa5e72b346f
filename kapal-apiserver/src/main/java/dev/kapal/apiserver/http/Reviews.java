package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.apiserver.auth.Authenticator;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.auth.UserInfo;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The review resources, answered rather than stored: who am I ({@code SelfSubjectReview}), is this
 * token valid ({@code TokenReview}), may this user do that ({@code *SubjectAccessReview}), and what
 * may I do ({@code SelfSubjectRulesReview}). They answer from the same authenticators and
 * authorizer that guard every request, so the answers are truthful.
 */
final class Reviews {
    private final List<Authenticator> authenticators;
    private final Authorizer authorizer;

    Reviews(List<Authenticator> authenticators, Authorizer authorizer) {
        this.authenticators = authenticators;
        this.authorizer = authorizer;
    }

    boolean handles(RequestInfo.Resource request) {
        return switch (request.group() + "/" + request.resource()) {
            case "authentication.k8s.io/selfsubjectreviews", "authentication.k8s.io/tokenreviews",
                 "authorization.k8s.io/selfsubjectaccessreviews", "authorization.k8s.io/subjectaccessreviews",
                 "authorization.k8s.io/localsubjectaccessreviews", "authorization.k8s.io/selfsubjectrulesreviews" -> true;
            default -> false;
        };
    }

    void handle(RequestInfo.Resource request, Exchange exchange, UserInfo caller) {
        if (!request.verb().equals("create") || !request.name().isEmpty()) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        ObjectNode body = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
        ObjectNode answer = Json.object();
        answer.put("kind", kindOf(request.resource()));
        answer.put("apiVersion", request.group() + "/" + request.version());
        ObjectNode metadata = answer.putObject("metadata");
        metadata.putNull("creationTimestamp");
        if (!request.namespace().isEmpty()) {
            metadata.put("namespace", request.namespace());
        }
        JsonNode spec = body.path("spec");
        if (spec.isObject()) {
            answer.set("spec", spec.deepCopy());
        }
        ObjectNode status = answer.putObject("status");
        switch (request.resource()) {
            case "selfsubjectreviews" -> status.set("userInfo", userJson(caller));
            case "tokenreviews" -> tokenReview(spec, status);
            case "selfsubjectaccessreviews" -> accessReview(caller, spec, status, "");
            case "subjectaccessreviews" -> accessReview(subject(spec), spec, status, "");
            case "localsubjectaccessreviews" -> {
                String namespace = spec.path("resourceAttributes").path("namespace").asText("");
                if (!namespace.equals(request.namespace())) {
                    throw ApiException.badRequest("spec.resourceAttributes.namespace must match namespace: " + request.namespace());
                }
                accessReview(subject(spec), spec, status, request.namespace());
            }
            case "selfsubjectrulesreviews" -> rulesReview(caller, status);
            default -> throw new IllegalStateException(request.resource());
        }
        exchange.respondJson(201, answer);
    }

    private static String kindOf(String resource) {
        return switch (resource) {
            case "selfsubjectreviews" -> "SelfSubjectReview";
            case "tokenreviews" -> "TokenReview";
            case "selfsubjectaccessreviews" -> "SelfSubjectAccessReview";
            case "subjectaccessreviews" -> "SubjectAccessReview";
            case "localsubjectaccessreviews" -> "LocalSubjectAccessReview";
            default -> "SelfSubjectRulesReview";
        };
    }

    private static ObjectNode userJson(UserInfo user) {
        ObjectNode json = Json.object();
        json.put("username", user.name());
        if (!user.uid().isEmpty()) {
            json.put("uid", user.uid());
        }
        ArrayNode groups = json.putArray("groups");
        user.groups().forEach(groups::add);
        if (!user.extra().isEmpty()) {
            ObjectNode extra = json.putObject("extra");
            user.extra().forEach((key, values) -> {
                ArrayNode array = extra.putArray(key);
                values.forEach(array::add);
            });
        }
        return json;
    }

    private void tokenReview(JsonNode spec, ObjectNode status) {
        String token = spec.path("token").asText("");
        Authenticator.Credentials credentials = new Authenticator.Credentials() {
            @Override
            public List<X509Certificate> clientCertificates() {
                return List.of();
            }

            @Override
            public Optional<String> bearerToken() {
                return token.isEmpty() ? Optional.empty() : Optional.of(token);
            }
        };
        for (Authenticator authenticator : authenticators) {
            switch (authenticator.authenticate(credentials)) {
                case Authenticator.Result.Authenticated ok -> {
                    status.put("authenticated", true);
                    status.set("user", userJson(ok.user()));
                    return;
                }
                case Authenticator.Result.Rejected rejected -> {
                    status.put("error", rejected.why());
                    return;
                }
                case Authenticator.Result.NotApplicable none -> {
                }
            }
        }
        status.putObject("user");
    }

    private static UserInfo subject(JsonNode spec) {
        String user = spec.path("user").asText("");
        List<String> groups = new ArrayList<>();
        spec.path("groups").forEach(group -> groups.add(group.asText()));
        if (user.isEmpty() && groups.isEmpty()) {
            throw ApiException.invalid(new dev.kapal.api.GroupVersionKind("authorization.k8s.io", "v1", "SubjectAccessReview"),
                    "", List.of(dev.kapal.api.StatusCause.invalid("spec.user", "", "at least one of user or group must be specified")));
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("extra").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            List<String> values = new ArrayList<>();
            entry.getValue().forEach(value -> values.add(value.asText()));
            extra.put(entry.getKey(), values);
        }
        return new UserInfo(user, spec.path("uid").asText(""), groups, extra);
    }

    private void accessReview(UserInfo user, JsonNode spec, ObjectNode status, String forcedNamespace) {
        JsonNode resource = spec.path("resourceAttributes");
        JsonNode nonResource = spec.path("nonResourceAttributes");
        Authorizer.Attributes attributes;
        if (resource.isObject()) {
            String namespace = forcedNamespace.isEmpty() ? resource.path("namespace").asText("") : forcedNamespace;
            attributes = new Authorizer.Attributes(user, resource.path("verb").asText(""), true,
                    resource.path("group").asText(""), resource.path("version").asText(""),
                    resource.path("resource").asText(""), resource.path("subresource").asText(""), namespace,
                    resource.path("name").asText(""), "");
        } else if (nonResource.isObject()) {
            attributes = new Authorizer.Attributes(user, nonResource.path("verb").asText(""), false, "", "", "", "", "", "",
                    nonResource.path("path").asText(""));
        } else {
            throw ApiException.invalid(new dev.kapal.api.GroupVersionKind("authorization.k8s.io", "v1", "SubjectAccessReview"),
                    "", List.of(dev.kapal.api.StatusCause.invalid("spec.resourceAttributes", "",
                            "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
        }
        switch (authorizer.authorize(attributes)) {
            case Authorizer.Decision.Allow allow -> {
                status.put("allowed", true);
                if (!allow.reason().isEmpty()) {
                    status.put("reason", allow.reason());
                }
            }
            case Authorizer.Decision.Deny deny -> {
                status.put("allowed", false);
                status.put("denied", true);
                if (!deny.reason().isEmpty()) {
                    status.put("reason", deny.reason());
                }
            }
            case Authorizer.Decision.NoOpinion none -> {
                status.put("allowed", false);
                if (!none.reason().isEmpty()) {
                    status.put("reason", none.reason());
                }
            }
        }
    }

    /**
     * What the caller may do. The allow-all authorizer allows everything, which is exactly what
     * the wildcard rules say; other authorizers (RBAC) will list their rules here.
     */
    private void rulesReview(UserInfo caller, ObjectNode status) {
        boolean everything = authorizer == Authorizer.ALLOW_AUTHENTICATED;
        ArrayNode resourceRules = status.putArray("resourceRules");
        ArrayNode nonResourceRules = status.putArray("nonResourceRules");
        if (everything) {
            ObjectNode rule = resourceRules.addObject();
            rule.putArray("verbs").add("*");
            rule.putArray("apiGroups").add("*");
            rule.putArray("resources").add("*");
            ObjectNode nonResource = nonResourceRules.addObject();
            nonResource.putArray("verbs").add("*");
            nonResource.putArray("nonResourceURLs").add("*");
        }
        status.put("incomplete", !everything);
        if (!everything) {
            status.put("evaluationError", "rules of this authorizer cannot be listed");
        }
    }
}
