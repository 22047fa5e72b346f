package dev.kapal.controllers.nodeutil;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The taints the node controllers manage and the rules by which tolerations match taints, as
 * upstream's {@code v1.Toleration.ToleratesTaint}: a taint is identified by key and effect; a
 * toleration with an empty effect matches every effect; an empty key with {@code Exists} matches
 * every key; {@code Exists} ignores the value, {@code Equal} (or no operator) compares it.
 */
public final class Taints {
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
    public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
    public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
    public static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

    /** How often a taint change is retried after a write conflict (upstream retries a few times too). */
    private static final int CONFLICT_RETRIES = 5;

    private Taints() {
    }

    /** A taint template: key and effect, no value, no time. */
    public static Taint of(String key, String effect) {
        return new TaintBuilder().withKey(key).withEffect(effect).build();
    }

    /** Same key and effect: what upstream's {@code MatchTaint} compares. */
    public static boolean sameKeyAndEffect(Taint a, Taint b) {
        return Objects.equals(a.getKey(), b.getKey()) && Objects.equals(a.getEffect(), b.getEffect());
    }

    /** Whether {@code taints} holds one with the key and effect of {@code template}. */
    public static boolean contains(List<Taint> taints, Taint template) {
        return taints.stream().anyMatch(taint -> sameKeyAndEffect(taint, template));
    }

    /** The node's taints (never null). */
    public static List<Taint> of(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    }

    /** The node's taints with effect {@code NoExecute}. */
    public static List<Taint> noExecute(Node node) {
        return of(node).stream().filter(taint -> NO_EXECUTE.equals(taint.getEffect())).toList();
    }

    /** Whether {@code toleration} tolerates {@code taint}. */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        String effect = toleration.getEffect();
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey() == null ? "" : toleration.getKey();
        String operator = toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal" : toleration.getOperator();
        if (key.isEmpty()) {
            return operator.equals("Exists");
        }
        if (!key.equals(taint.getKey())) {
            return false;
        }
        return switch (operator) {
            case "Exists" -> true;
            case "Equal" -> Objects.equals(blankToEmpty(toleration.getValue()), blankToEmpty(taint.getValue()));
            default -> false;
        };
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value;
    }

    /**
     * How long {@code tolerations} let a pod stay on a node with {@code taints} (all NoExecute):
     * empty when some taint is not tolerated (evict now); otherwise the smallest
     * {@code tolerationSeconds} among the tolerations used (zero or negative count as zero), or
     * {@link Long#MAX_VALUE} when none of them sets it (tolerated forever).
     */
    public static OptionalLong tolerationSeconds(List<Toleration> tolerations, List<Taint> taints) {
        List<Toleration> used = new ArrayList<>();
        for (Taint taint : taints) {
            boolean tolerated = false;
            for (Toleration toleration : tolerations) {
                if (tolerates(toleration, taint)) {
                    tolerated = true;
                    used.add(toleration);
                }
            }
            if (!tolerated) {
                return OptionalLong.empty();
            }
        }
        if (used.isEmpty()) {
            return OptionalLong.of(0);
        }
        long minimum = Long.MAX_VALUE;
        for (Toleration toleration : used) {
            Long seconds = toleration.getTolerationSeconds();
            if (seconds != null) {
                minimum = Math.min(minimum, Math.max(0, seconds));
            }
        }
        return OptionalLong.of(minimum);
    }

    /**
     * Adds {@code add} (stamped with {@code timeAdded} now) and removes {@code remove} (by key and
     * effect) on the node, as upstream's {@code SwapNodeControllerTaint}: read the node, change
     * its taint list, write it back under its resourceVersion, again on a conflict. A taint
     * already present (same key and effect) is left as it is.
     *
     * @return false when the node is gone
     */
    public static boolean swap(KubernetesClient client, String nodeName, List<Taint> add, List<Taint> remove) {
        for (int attempt = 0; ; attempt++) {
            Node node = client.nodes().withName(nodeName).get();
            if (node == null) {
                return false;
            }
            List<Taint> current = new ArrayList<>(of(node));
            List<Taint> wanted = new ArrayList<>(current);
            wanted.removeIf(taint -> remove.stream().anyMatch(template -> sameKeyAndEffect(taint, template)));
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            for (Taint taint : add) {
                if (!contains(wanted, taint)) {
                    wanted.add(new TaintBuilder(taint).withTimeAdded(now).build());
                }
            }
            if (wanted.size() == current.size() && current.stream().allMatch(taint -> contains(wanted, taint))) {
                return true;
            }
            node.getSpec().setTaints(wanted);
            try {
                client.nodes().resource(node).update();
                return true;
            } catch (KubernetesClientException failure) {
                if (failure.getCode() == 404) {
                    return false;
                }
                if (failure.getCode() != 409 || attempt >= CONFLICT_RETRIES) {
                    throw failure;
                }
            }
        }
    }
}
