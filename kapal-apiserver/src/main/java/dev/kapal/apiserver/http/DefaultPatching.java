package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.ResourceInfo;
import dev.kapal.api.patch.JsonPatch;
import dev.kapal.api.patch.MergePatch;
import dev.kapal.api.patch.PatchType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * JSON patch, merge patch and, for now, strategic merge patch read as a merge patch with its
 * {@code $} directives dropped. That is right for the patches kubectl sends for label, annotate,
 * scale, cordon and most edits; list merging by key ({@code patchMergeKey}) and server-side apply
 * arrive with the strategic-merge engine.
 */
final class DefaultPatching implements Patching {
    private static final List<PatchType> ACCEPTED =
            List.of(PatchType.JSON_PATCH, PatchType.MERGE_PATCH, PatchType.STRATEGIC_MERGE_PATCH);

    @Override
    public UnaryOperator<ObjectNode> patcher(Optional<String> contentType, byte[] body, ResourceInfo resource) {
        PatchType type = PatchType.require(contentType.orElse(""), ACCEPTED);
        return switch (type) {
            case JSON_PATCH -> current -> asObject(JsonPatch.apply(current, body));
            case MERGE_PATCH -> current -> asObject(MergePatch.apply(current, body));
            case STRATEGIC_MERGE_PATCH -> current -> {
                JsonNode patch = dev.kapal.api.Json.parse(body);
                stripDirectives(patch);
                return asObject(MergePatch.apply(current, patch));
            };
            case APPLY_PATCH -> throw new IllegalStateException("not accepted");
        };
    }

    private static void stripDirectives(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().startsWith("$")) {
                    it.remove();
                } else {
                    stripDirectives(entry.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(DefaultPatching::stripDirectives);
        }
    }

    private static ObjectNode asObject(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw ApiException.badRequest("the patch must produce an object");
    }
}
