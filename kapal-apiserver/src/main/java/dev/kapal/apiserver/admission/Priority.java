package dev.kapal.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.ResourceInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Upstream's Priority admission plugin, for pods (not their subresources):
 * <ul>
 * <li>on create, {@code spec.priority} and {@code spec.preemptionPolicy} come from the
 *     PriorityClass named by {@code spec.priorityClassName}; without a name, from the class with
 *     {@code globalDefault: true} (whose name the pod then gets), else priority 0;</li>
 * <li>a class that does not exist is refused: 403 {@code pods "x" is forbidden: no PriorityClass
 *     with name y was found};</li>
 * <li>a pod giving a {@code spec.priority} or {@code spec.preemptionPolicy} other than its
 *     class's is refused with 403, as upstream ("must not be provided in pod spec");</li>
 * <li>on update, the priority and policy the pod was created with are kept.</li>
 * </ul>
 * Pod defaulting leaves both fields alone, so what a client sent is what this plugin sees.
 */
public final class Priority implements Admission {
    private final Supplier<List<ObjectNode>> priorityClasses;

    /** @param priorityClasses the PriorityClasses as stored now (read through the cache) */
    public Priority(Supplier<List<ObjectNode>> priorityClasses) {
        this.priorityClasses = Objects.requireNonNull(priorityClasses, "priorityClasses");
    }

    @Override
    public void admit(ResourceInfo resource, Operation operation, ObjectNode pod, Optional<ObjectNode> old) {
        if (!resource.groupVersion().group().isEmpty() || !resource.plural().equals("pods")) {
            return;
        }
        ObjectNode spec = pod.path("spec") instanceof ObjectNode existing ? existing : pod.putObject("spec");
        if (operation == Operation.UPDATE) {
            JsonNode oldSpec = old.map(o -> o.path("spec")).orElse(null);
            for (String field : List.of("priority", "preemptionPolicy")) {
                if (oldSpec != null && oldSpec.has(field) && !spec.hasNonNull(field)) {
                    spec.set(field, oldSpec.get(field));
                }
            }
            return;
        }
        String className = spec.path("priorityClassName").asText("");
        Optional<ObjectNode> priorityClass;
        List<ObjectNode> classes = priorityClasses.get();
        if (className.isEmpty()) {
            priorityClass = classes.stream().filter(c -> c.path("globalDefault").asBoolean(false))
                    .min(java.util.Comparator.comparingInt(c -> c.path("value").asInt()));
            priorityClass.ifPresent(c -> spec.put("priorityClassName", c.path("metadata").path("name").asText()));
        } else {
            priorityClass = classes.stream().filter(c -> className.equals(c.path("metadata").path("name").asText())).findFirst();
            if (priorityClass.isEmpty()) {
                throw ApiException.forbidden("pods \"" + podName(pod) + "\" is forbidden: no PriorityClass with name "
                        + className + " was found");
            }
        }
        int priority = priorityClass.map(c -> c.path("value").asInt()).orElse(0);
        if (spec.hasNonNull("priority") && spec.get("priority").asInt() != priority) {
            throw ApiException.forbidden("pods \"" + podName(pod) + "\" is forbidden: the integer value of priority ("
                    + spec.get("priority").asInt() + ") must not be provided in pod spec; priority admission controller computed "
                    + priority + " from the given PriorityClass name");
        }
        spec.put("priority", priority);
        String policy = priorityClass.map(c -> c.path("preemptionPolicy").asText("")).filter(p -> !p.isEmpty())
                .orElse("PreemptLowerPriority");
        if (spec.hasNonNull("preemptionPolicy") && !spec.get("preemptionPolicy").asText().equals(policy)) {
            throw ApiException.forbidden("pods \"" + podName(pod) + "\" is forbidden: the string value of PreemptionPolicy ("
                    + spec.get("preemptionPolicy").asText() + ") must not be provided in pod spec; priority admission controller computed "
                    + policy + " from the given PriorityClass name");
        }
        spec.put("preemptionPolicy", policy);
    }

    private static String podName(ObjectNode pod) {
        String name = pod.path("metadata").path("name").asText("");
        return name.isEmpty() ? pod.path("metadata").path("generateName").asText("") : name;
    }
}
