package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.util.List;

/**
 * What an update may change in a pod's spec. Upstream forbids everything but container images,
 * {@code activeDeadlineSeconds}, added tolerations, removed scheduling gates and a negative
 * grace period becoming 1; the check copies the permitted fields from the new spec onto the old
 * one and refuses the update when anything else still differs.
 */
final class PodUpdates {
    static final String MESSAGE = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
            + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
            + "previously negative)";

    private PodUpdates() {
    }

    static void validate(ObjectNode pod, ObjectNode old, Errors errors) {
        ObjectNode spec = pod.path("spec") instanceof ObjectNode object ? object : Json.object();
        ObjectNode permitted = old.path("spec") instanceof ObjectNode object ? object.deepCopy() : Json.object();
        for (String list : List.of("containers", "initContainers")) {
            copyImages(spec.path(list), permitted.path(list));
        }
        copy(spec, permitted, "activeDeadlineSeconds");
        if (containsAll(spec.path("tolerations"), permitted.path("tolerations"))) {
            copy(spec, permitted, "tolerations");
        }
        if (containsAll(permitted.path("schedulingGates"), spec.path("schedulingGates"))) {
            copy(spec, permitted, "schedulingGates");
        }
        if (permitted.path("terminationGracePeriodSeconds").asLong(0) < 0
                && spec.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            copy(spec, permitted, "terminationGracePeriodSeconds");
        }
        if (!permitted.equals(spec)) {
            errors.forbidden("spec", MESSAGE);
        }
    }

    private static void copyImages(JsonNode from, JsonNode to) {
        if (from instanceof ArrayNode source && to instanceof ArrayNode target && source.size() == target.size()) {
            for (int i = 0; i < source.size(); i++) {
                if (target.get(i) instanceof ObjectNode container && source.get(i).has("image")) {
                    container.set("image", source.get(i).get("image"));
                }
            }
        }
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field).deepCopy());
        } else {
            to.remove(field);
        }
    }

    /** Whether every element of {@code part} appears in {@code whole} (absent lists are empty). */
    private static boolean containsAll(JsonNode whole, JsonNode part) {
        if (!part.isArray()) {
            return true;
        }
        for (JsonNode element : part) {
            boolean found = false;
            for (JsonNode candidate : whole) {
                found |= candidate.equals(element);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
