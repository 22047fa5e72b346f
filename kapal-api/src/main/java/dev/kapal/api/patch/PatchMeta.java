package dev.kapal.api.patch;

import dev.kapal.api.GroupVersionKind;
import java.util.List;

/**
 * The schema seam of strategic merge patch: for a kind, which fields merge lists element-wise
 * and by which key, which replace, which retain keys.
 *
 * <p>Contract: answers are pure functions of the kind and the field path (no I/O, safe from any
 * thread), and lookups are by type rather than by absolute path: the rules of {@code PodSpec}
 * apply under {@code Pod.spec}, {@code Deployment.spec.template.spec},
 * {@code CronJob.spec.jobTemplate.spec.template.spec} alike. A kind the implementation does not
 * know gets {@link PatchMetaType#UNKNOWN}-like answers (maps merge, lists are replaced), which is
 * how a merge patch behaves; callers decide separately whether a kind may be strategically
 * patched at all (upstream refuses it for custom resources).
 *
 * <p>{@link #builtin()} is a table of the {@code patchStrategy}/{@code patchMergeKey} struct tags
 * of the k8s.io/api types; an implementation reading {@code x-kubernetes-patch-strategy} and
 * {@code x-kubernetes-patch-merge-key} from OpenAPI schemas can replace it behind this interface.
 */
@FunctionalInterface
public interface PatchMeta {
    /** The type of the objects of {@code kind}, where lookups start. */
    PatchMetaType root(GroupVersionKind kind);

    /**
     * The field at {@code path} (member names from the object root; list fields descend into
     * their element type), e.g. {@code ["spec","template","spec","containers"]}.
     *
     * @throws IllegalArgumentException when {@code path} is empty
     */
    default PatchMetaField lookup(GroupVersionKind kind, List<String> path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("a field path names at least one field");
        }
        PatchMetaType type = root(kind);
        PatchMetaField field = PatchMetaField.NONE;
        for (String name : path) {
            field = type.field(name);
            type = field.type();
        }
        return field;
    }

    /** The built-in table of k8s.io/api patch tags. */
    static PatchMeta builtin() {
        return PatchMetaTable.BUILTIN;
    }
}
