package dev.kapal.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ResourceInfo;
import java.util.Optional;

/**
 * Upstream's DefaultTolerationSeconds admission plugin: on create and update of a pod (not its
 * subresources) it adds {@code node.kubernetes.io/not-ready} and
 * {@code node.kubernetes.io/unreachable} tolerations, operator {@code Exists}, effect
 * {@code NoExecute}, {@code tolerationSeconds} 300 (the {@code --default-not-ready-toleration-seconds}
 * and {@code --default-unreachable-toleration-seconds} defaults), each unless the pod already has a
 * toleration for that key (or an empty key) whose effect is {@code NoExecute} (or empty). So
 * pods leave a lost node after five minutes unless they say otherwise.
 */
public final class DefaultTolerationSeconds implements Admission {
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final long DEFAULT_SECONDS = 300;

    private final long notReadySeconds;
    private final long unreachableSeconds;

    /** With upstream's defaults, 300 s each. */
    public DefaultTolerationSeconds() {
        this(DEFAULT_SECONDS, DEFAULT_SECONDS);
    }

    public DefaultTolerationSeconds(long notReadySeconds, long unreachableSeconds) {
        this.notReadySeconds = notReadySeconds;
        this.unreachableSeconds = unreachableSeconds;
    }

    @Override
    public void admit(ResourceInfo resource, Operation operation, ObjectNode pod, Optional<ObjectNode> old) {
        if (!resource.groupVersion().group().isEmpty() || !resource.plural().equals("pods")) {
            return;
        }
        ObjectNode spec = pod.path("spec") instanceof ObjectNode existing ? existing : pod.putObject("spec");
        boolean toleratesNotReady = toleratesNoExecute(spec, NOT_READY);
        boolean toleratesUnreachable = toleratesNoExecute(spec, UNREACHABLE);
        if (toleratesNotReady && toleratesUnreachable) {
            return;
        }
        ArrayNode tolerations = spec.path("tolerations") instanceof ArrayNode existing ? existing : spec.putArray("tolerations");
        if (!toleratesNotReady) {
            add(tolerations, NOT_READY, notReadySeconds);
        }
        if (!toleratesUnreachable) {
            add(tolerations, UNREACHABLE, unreachableSeconds);
        }
    }

    /** Upstream's test: key equal or empty, effect NoExecute or empty; operator and value are not looked at. */
    private static boolean toleratesNoExecute(ObjectNode spec, String key) {
        for (JsonNode toleration : spec.path("tolerations")) {
            String tolerationKey = toleration.path("key").asText("");
            String effect = toleration.path("effect").asText("");
            if ((tolerationKey.equals(key) || tolerationKey.isEmpty()) && (effect.equals("NoExecute") || effect.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    private static void add(ArrayNode tolerations, String key, long seconds) {
        tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute")
                .put("tolerationSeconds", seconds);
    }
}
