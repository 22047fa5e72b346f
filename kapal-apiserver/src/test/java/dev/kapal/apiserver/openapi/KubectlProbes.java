package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.apiserver.discovery.DiscoveryResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What kubectl (1.27–1.33) decides from the OpenAPI v3 documents, re-implemented from its rules
 * (cli-runtime's QueryParamVerifierV3 and kubectl apply's gvkSupportsPatchOpenAPIV3), fetching
 * through {@link OpenApi#handle} the way client-go does: the index, then the group-version's
 * {@code serverRelativeURL}, as JSON.
 */
final class KubectlProbes {
    private final OpenApi openApi;

    KubectlProbes(OpenApi openApi) {
        this.openApi = openApi;
    }

    /** The group-version document as client-go's openapi3 root finds it; empty when the index lacks it. */
    Optional<JsonNode> groupVersionDocument(GroupVersionKind kind) {
        DiscoveryResponse index = openApi.handle("/openapi/v3", "", "application/json", Optional.empty()).orElseThrow();
        String key = kind.group().isEmpty() ? "api/" + kind.version() : "apis/" + kind.group() + "/" + kind.version();
        JsonNode entry = Json.parse(index.body()).path("paths").path(key);
        if (entry.isMissingNode()) {
            return Optional.empty();
        }
        String url = entry.path("serverRelativeURL").asText();
        int question = url.indexOf('?');
        DiscoveryResponse document = openApi.handle(url.substring(0, question), url.substring(question + 1),
                "application/json", Optional.empty()).orElseThrow();
        if (document.status() != 200) {
            throw new AssertionError("fetching " + url + " answered " + document);
        }
        return Optional.of(Json.parse(document.body()));
    }

    /**
     * QueryParamVerifierV3.HasSupport: the first PATCH operation (in Go's random map order) whose
     * single-object x-kubernetes-group-version-kind equals the kind decides, by listing the query
     * parameter among its own parameters. Because the order is random, this returns the verdict of
     * every matching operation; kubectl's answer is stable only when they agree.
     */
    List<Boolean> fieldValidationVerdicts(GroupVersionKind kind) {
        JsonNode document = groupVersionDocument(kind).orElseThrow();
        List<Boolean> verdicts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            JsonNode patch = path.getValue().get("patch");
            if (patch == null || !matchesSingle(patch.path("x-kubernetes-group-version-kind"), kind)) {
                continue;
            }
            boolean found = false;
            for (JsonNode parameter : patch.path("parameters")) {
                found |= parameter.path("name").asText().equals("fieldValidation");
            }
            verdicts.add(found);
        }
        return verdicts;
    }

    /**
     * gvkSupportsPatchOpenAPIV3: true when a PATCH operation of the kind lists strategic merge
     * patch among its request body's media types; kubectl apply then computes its patch from the
     * kind's v3 schema. Returns every matching operation's verdict, as above.
     */
    List<Boolean> strategicMergeVerdicts(GroupVersionKind kind) {
        JsonNode document = groupVersionDocument(kind).orElseThrow();
        List<Boolean> verdicts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            JsonNode patch = path.getValue().get("patch");
            if (patch != null && matchesSingle(patch.path("x-kubernetes-group-version-kind"), kind)) {
                verdicts.add(patch.path("requestBody").path("content").has("application/strategic-merge-patch+json"));
            }
        }
        return verdicts;
    }

    private static boolean matchesSingle(JsonNode extension, GroupVersionKind kind) {
        return extension.isObject()
                && extension.path("group").asText().equals(kind.group())
                && extension.path("version").asText().equals(kind.version())
                && extension.path("kind").asText().equals(kind.kind());
    }
}
