package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.ResourceInfo;
import dev.kapal.api.patch.JsonPatch;
import dev.kapal.api.patch.MergePatch;
import dev.kapal.api.patch.PatchMeta;
import dev.kapal.api.patch.PatchType;
import dev.kapal.api.patch.StrategicMergePatch;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * JSON patch, merge patch and strategic merge patch. Strategic merge patch needs per-kind patch
 * metadata (list merge keys and strategies), which only built-in kinds have: as upstream, custom
 * resources refuse it with a 415 whose list of accepted types omits it.
 */
final class DefaultPatching implements Patching {
    // Upstream's order in the 415 message; apply patches are served by the handler, not here.
    private static final List<PatchType> BUILTIN_ACCEPTS = List.of(PatchType.JSON_PATCH, PatchType.MERGE_PATCH,
            PatchType.APPLY_PATCH, PatchType.STRATEGIC_MERGE_PATCH);
    private static final List<PatchType> CUSTOM_ACCEPTS =
            List.of(PatchType.JSON_PATCH, PatchType.MERGE_PATCH, PatchType.APPLY_PATCH);

    /**
     * The scale subresource is served as the built-in autoscaling/v1 Scale whatever its parent,
     * so it is patched with Scale's (empty) metadata.
     */
    private static final GroupVersionKind SCALE = new GroupVersionKind("autoscaling", "v1", "Scale");

    private final PatchMeta meta;
    private final Predicate<GroupVersionKind> builtin;

    /** Built-in kinds are those of the built-in catalogue; every other kind is a custom resource. */
    DefaultPatching() {
        this(PatchMeta.builtin(), catalogue());
    }

    DefaultPatching(PatchMeta meta, Predicate<GroupVersionKind> builtin) {
        this.meta = Objects.requireNonNull(meta, "meta");
        this.builtin = Objects.requireNonNull(builtin, "builtin");
    }

    private static Predicate<GroupVersionKind> catalogue() {
        Set<GroupVersionKind> kinds = BuiltinKinds.all().stream()
                .map(definition -> definition.info().gvk())
                .collect(Collectors.toUnmodifiableSet());
        return kind -> kind.equals(SCALE) || kinds.contains(kind);
    }

    @Override
    public UnaryOperator<ObjectNode> patcher(Optional<String> contentType, byte[] body, ResourceInfo resource) {
        GroupVersionKind kind = resource.gvk();
        PatchType type = PatchType.require(contentType.orElse(""), builtin.test(kind) ? BUILTIN_ACCEPTS : CUSTOM_ACCEPTS);
        return switch (type) {
            case JSON_PATCH -> current -> asObject(JsonPatch.apply(current, body));
            case MERGE_PATCH -> current -> asObject(MergePatch.apply(current, body));
            case STRATEGIC_MERGE_PATCH -> {
                // Parsed once, up front, so a malformed body is a 400 before the object is read;
                // apply copies it, as the store may call the function again on a conflict.
                ObjectNode patch = StrategicMergePatch.parse(body);
                yield current -> asObject(StrategicMergePatch.apply(current, patch, meta, kind));
            }
            case APPLY_PATCH -> throw new IllegalStateException("apply patches go to ResourceStore.apply");
        };
    }

    private static ObjectNode asObject(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw ApiException.badRequest("the patch must produce an object");
    }
}
