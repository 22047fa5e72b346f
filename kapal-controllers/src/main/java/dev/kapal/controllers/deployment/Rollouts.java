package dev.kapal.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deployment arithmetic and bookkeeping of upstream's {@code deployment/util}: surge and
 * unavailability fenceposts with their rounding, the pod-template hash, revision and replica
 * annotations, replica-set orderings and sums, and deployment conditions.
 */
public final class Rollouts {
    public static final String TEMPLATE_HASH_LABEL = "pod-template-hash";
    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";
    /** Deployment annotations never copied onto replica sets. */
    private static final Set<String> NOT_COPIED = Set.of(LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS,
            MAX_REPLICAS, ROLLBACK_TO);
    /** kube-controller-manager's default limit on the revision-history annotation. */
    static final int MAX_REVISION_HISTORY_CHARS = 2000;
    /** What rand.SafeEncodeString maps to: no vowels, no easily confused characters. */
    private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    // Condition types and reasons, as upstream spells them.
    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String REPLICA_FAILURE = "ReplicaFailure";
    static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
    static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";
    static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    static final String RS_UPDATED = "ReplicaSetUpdated";
    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";
    static final String RS_CREATE_ERROR = "ReplicaSetCreateError";

    private Rollouts() {
    }

    // ---- numbers ----

    public static int desired(Deployment deployment) {
        Integer replicas = deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    public static int replicas(ReplicaSet rs) {
        Integer replicas = rs.getSpec().getReplicas();
        return replicas == null ? 0 : replicas;
    }

    static int statusReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
    }

    static int readyReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0 : rs.getStatus().getReadyReplicas();
    }

    static int availableReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0 : rs.getStatus().getAvailableReplicas();
    }

    static int sumReplicas(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(Rollouts::replicas).sum();
    }

    static int sumStatusReplicas(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(Rollouts::statusReplicas).sum();
    }

    static int sumReady(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(Rollouts::readyReplicas).sum();
    }

    static int sumAvailable(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(Rollouts::availableReplicas).sum();
    }

    static List<ReplicaSet> active(List<ReplicaSet> sets) {
        return sets.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
    }

    static boolean rollingUpdate(Deployment deployment) {
        return deployment.getSpec().getStrategy() == null || !"Recreate".equals(deployment.getSpec().getStrategy().getType());
    }

    /**
     * An int-or-percent scaled against {@code total}: ints as they are, "N%" as N% of the total,
     * rounded up or down (upstream's GetScaledValueFromIntOrPercent).
     *
     * @throws IllegalArgumentException for a string that is not a percentage
     */
    static int scaled(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            return 0;
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String text = value.getStrVal();
        if (text == null || !text.endsWith("%")) {
            throw new IllegalArgumentException("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        int percent = Integer.parseInt(text.substring(0, text.length() - 1));
        long product = (long) percent * total;
        return (int) (roundUp ? Math.ceilDiv(product, 100) : Math.floorDiv(product, 100));
    }

    /** maxSurge rounded up, maxUnavailable down; both zero becomes unavailable 1 (upstream's ResolveFenceposts). */
    static int[] fenceposts(IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
        int surge = scaled(maxSurge, desired, true);
        int unavailable = scaled(maxUnavailable, desired, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    static int maxSurge(Deployment deployment) {
        if (!rollingUpdate(deployment)) {
            return 0;
        }
        var rolling = deployment.getSpec().getStrategy().getRollingUpdate();
        return fenceposts(rolling == null ? null : rolling.getMaxSurge(), rolling == null ? null : rolling.getMaxUnavailable(),
                desired(deployment))[0];
    }

    static int maxUnavailable(Deployment deployment) {
        if (!rollingUpdate(deployment) || desired(deployment) == 0) {
            return 0;
        }
        var rolling = deployment.getSpec().getStrategy().getRollingUpdate();
        int unavailable = fenceposts(rolling == null ? null : rolling.getMaxSurge(),
                rolling == null ? null : rolling.getMaxUnavailable(), desired(deployment))[1];
        return Math.min(unavailable, desired(deployment));
    }

    /** How many replicas the new replica set may have now (upstream's NewRSNewReplicas). */
    static int newReplicaSetReplicas(Deployment deployment, List<ReplicaSet> all, ReplicaSet newRs) {
        if (!rollingUpdate(deployment)) {
            return desired(deployment);
        }
        int current = sumReplicas(all);
        int maxTotal = desired(deployment) + maxSurge(deployment);
        if (current >= maxTotal) {
            return replicas(newRs);
        }
        int scaleUp = Math.min(maxTotal - current, desired(deployment) - replicas(newRs));
        return replicas(newRs) + scaleUp;
    }

    // ---- hashing and templates ----

    /**
     * The pod-template-hash: FNV-1a (32 bit) over the template in a canonical JSON form (keys
     * sorted) and, when set, the collision count as eight bytes (the first four little-endian,
     * as upstream writes it), the decimal digits mapped to upstream's safe alphabet.
     */
    public static String templateHash(PodTemplateSpec template, Integer collisionCount) {
        JsonNode tree = Serialization.jsonMapper().valueToTree(template);
        byte[] bytes = canonical(tree).toString().getBytes(StandardCharsets.UTF_8);
        int hash = 0x811c9dc5;
        hash = fnv(hash, bytes);
        if (collisionCount != null) {
            byte[] count = new byte[8];
            int value = collisionCount;
            for (int i = 0; i < 4; i++) {
                count[i] = (byte) (value >>> (8 * i));
            }
            hash = fnv(hash, count);
        }
        String decimal = Integer.toUnsignedString(hash);
        StringBuilder encoded = new StringBuilder(decimal.length());
        for (char c : decimal.toCharArray()) {
            encoded.append(SAFE_ALPHABET.charAt(c % SAFE_ALPHABET.length()));
        }
        return encoded.toString();
    }

    private static int fnv(int hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= (b & 0xff);
            hash *= 0x01000193;
        }
        return hash;
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), canonical(field.getValue()));
            }
            fields.forEach(sorted::set);
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> array.add(canonical(element)));
            return array;
        }
        return node;
    }

    /** Whether two templates are equal once the pod-template-hash label is ignored (upstream's EqualIgnoreHash). */
    static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return withoutHash(a).equals(withoutHash(b));
    }

    private static JsonNode withoutHash(PodTemplateSpec template) {
        JsonNode tree = Serialization.jsonMapper().valueToTree(template);
        if (tree instanceof ObjectNode object && object.path("metadata") instanceof ObjectNode metadata) {
            if (metadata.path("labels") instanceof ObjectNode labels) {
                labels.remove(TEMPLATE_HASH_LABEL);
                if (labels.isEmpty()) {
                    metadata.remove("labels");
                }
            }
            if (metadata.isEmpty()) {
                object.remove("metadata");
            }
        }
        return canonical(tree);
    }

    static <T> T copy(T object, Class<T> type) {
        return Serialization.jsonMapper().convertValue(object, type);
    }

    // ---- annotations ----

    static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata object) {
        if (object.getMetadata().getAnnotations() == null) {
            object.getMetadata().setAnnotations(new HashMap<>());
        }
        return object.getMetadata().getAnnotations();
    }

    /** The revision annotation as a number; 0 when absent or not a number. */
    static long revision(io.fabric8.kubernetes.api.model.HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(REVISION);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException invalid) {
            return 0;
        }
    }

    static long maxRevision(List<ReplicaSet> sets) {
        return sets.stream().mapToLong(Rollouts::revision).max().orElse(0);
    }

    static Optional<Integer> intAnnotation(ReplicaSet rs, String name) {
        Map<String, String> annotations = rs.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException invalid) {
            return Optional.empty();
        }
    }

    /** Copies the deployment's annotations (but the controller's own) onto {@code rs}; true if any changed. */
    static boolean copyAnnotations(Deployment deployment, ReplicaSet rs) {
        boolean changed = false;
        Map<String, String> source = deployment.getMetadata().getAnnotations();
        if (source == null) {
            return false;
        }
        Map<String, String> target = annotations(rs);
        for (Map.Entry<String, String> entry : source.entrySet()) {
            if (NOT_COPIED.contains(entry.getKey()) || Objects.equals(target.get(entry.getKey()), entry.getValue())) {
                continue;
            }
            target.put(entry.getKey(), entry.getValue());
            changed = true;
        }
        return changed;
    }

    /**
     * Upstream's SetNewReplicaSetAnnotations: copied deployment annotations; the revision raised to
     * {@code newRevision}, the revision it had appended to the revision history (a rollback to
     * this replica set); for a replica set being created, the replica annotations.
     */
    static boolean setNewReplicaSetAnnotations(Deployment deployment, ReplicaSet rs, String newRevision, boolean exists) {
        boolean changed = copyAnnotations(deployment, rs);
        Map<String, String> annotations = annotations(rs);
        String oldRevision = annotations.get(REVISION);
        long oldRevisionNumber = 0;
        if (oldRevision != null && !oldRevision.isEmpty()) {
            try {
                oldRevisionNumber = Long.parseLong(oldRevision);
            } catch (NumberFormatException invalid) {
                return false;
            }
        }
        long newRevisionNumber = Long.parseLong(newRevision);
        if (oldRevisionNumber < newRevisionNumber) {
            annotations.put(REVISION, newRevision);
            changed = true;
        }
        if (oldRevision != null && oldRevisionNumber < newRevisionNumber) {
            String history = annotations.getOrDefault(REVISION_HISTORY, "");
            if (history.isEmpty()) {
                annotations.put(REVISION_HISTORY, oldRevision);
            } else {
                List<String> revisions = new ArrayList<>(Arrays.asList(history.split(",")));
                int total = history.length() + oldRevision.length() + 1;
                while (total > MAX_REVISION_HISTORY_CHARS && !revisions.isEmpty()) {
                    total -= revisions.removeFirst().length() + 1;
                }
                if (total <= MAX_REVISION_HISTORY_CHARS) {
                    revisions.add(oldRevision);
                    annotations.put(REVISION_HISTORY, String.join(",", revisions));
                }
            }
        }
        if (!exists && setReplicasAnnotations(rs, desired(deployment), desired(deployment) + maxSurge(deployment))) {
            changed = true;
        }
        return changed;
    }

    static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        Map<String, String> annotations = annotations(rs);
        boolean changed = false;
        if (!String.valueOf(desired).equals(annotations.get(DESIRED_REPLICAS))) {
            annotations.put(DESIRED_REPLICAS, String.valueOf(desired));
            changed = true;
        }
        if (!String.valueOf(max).equals(annotations.get(MAX_REPLICAS))) {
            annotations.put(MAX_REPLICAS, String.valueOf(max));
            changed = true;
        }
        return changed;
    }

    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        Map<String, String> annotations = rs.getMetadata().getAnnotations();
        return annotations == null || !String.valueOf(desired).equals(annotations.get(DESIRED_REPLICAS))
                || !String.valueOf(max).equals(annotations.get(MAX_REPLICAS));
    }

    // ---- orderings ----

    private static Instant created(ReplicaSet rs) {
        String timestamp = rs.getMetadata().getCreationTimestamp();
        return timestamp == null ? Instant.EPOCH : Instant.parse(timestamp);
    }

    /** Oldest first, then by name. */
    static final Comparator<ReplicaSet> BY_CREATION = Comparator.comparing(Rollouts::created)
            .thenComparing(rs -> rs.getMetadata().getName());
    /** Larger first; among equals older first (scale down). */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER = Comparator.comparingInt(Rollouts::replicas).reversed()
            .thenComparing(BY_CREATION);
    /** Larger first; among equals newer first (scale up). */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER = Comparator.comparingInt(Rollouts::replicas).reversed()
            .thenComparing(BY_CREATION.reversed());
    /** Lower revision first; equal revisions by creation. */
    static final Comparator<ReplicaSet> BY_REVISION = Comparator.<ReplicaSet>comparingLong(Rollouts::revision).thenComparing(BY_CREATION);

    // ---- conditions ----

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static DeploymentCondition condition(String type, String status, String reason, String message) {
        String now = now();
        DeploymentCondition condition = new DeploymentCondition();
        condition.setType(type);
        condition.setStatus(status);
        condition.setReason(reason);
        condition.setMessage(message);
        condition.setLastUpdateTime(now);
        condition.setLastTransitionTime(now);
        return condition;
    }

    static Optional<DeploymentCondition> condition(DeploymentStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream().filter(condition -> type.equals(condition.getType())).findFirst();
    }

    /**
     * Upstream's SetDeploymentCondition: no change if one of the type has the same status and
     * reason; otherwise replaces it, keeping its transition time when the status is unchanged.
     */
    static void setCondition(DeploymentStatus status, DeploymentCondition condition) {
        Optional<DeploymentCondition> current = condition(status, condition.getType());
        if (current.isPresent() && Objects.equals(current.get().getStatus(), condition.getStatus())
                && Objects.equals(current.get().getReason(), condition.getReason())) {
            return;
        }
        if (current.isPresent() && Objects.equals(current.get().getStatus(), condition.getStatus())) {
            condition.setLastTransitionTime(current.get().getLastTransitionTime());
        }
        removeCondition(status, condition.getType());
        status.getConditions().add(condition);
    }

    static void removeCondition(DeploymentStatus status, String type) {
        if (status.getConditions() == null) {
            status.setConditions(new ArrayList<>());
        }
        List<DeploymentCondition> kept = new ArrayList<>(status.getConditions());
        kept.removeIf(condition -> type.equals(condition.getType()));
        status.setConditions(kept);
    }

    static boolean hasProgressDeadline(Deployment deployment) {
        Integer seconds = deployment.getSpec().getProgressDeadlineSeconds();
        return seconds != null && seconds != Integer.MAX_VALUE;
    }

    static int progressDeadlineSeconds(Deployment deployment) {
        Integer seconds = deployment.getSpec().getProgressDeadlineSeconds();
        return seconds == null ? 600 : seconds;
    }

    static int intValue(Integer value) {
        return value == null ? 0 : value;
    }

    static long longValue(Long value) {
        return value == null ? 0 : value;
    }

    /** All replicas updated and available, none old, and the latest generation observed (upstream's DeploymentComplete). */
    static boolean complete(Deployment deployment, DeploymentStatus status) {
        int desired = desired(deployment);
        return intValue(status.getUpdatedReplicas()) == desired && intValue(status.getReplicas()) == desired
                && intValue(status.getAvailableReplicas()) == desired
                && longValue(status.getObservedGeneration()) >= longValue(deployment.getMetadata().getGeneration());
    }

    /** More updated, fewer old, more ready or more available replicas than the stored status (upstream's DeploymentProgressing). */
    static boolean progressing(Deployment deployment, DeploymentStatus next) {
        DeploymentStatus old = deployment.getStatus() == null ? new DeploymentStatus() : deployment.getStatus();
        int oldOld = intValue(old.getReplicas()) - intValue(old.getUpdatedReplicas());
        int newOld = intValue(next.getReplicas()) - intValue(next.getUpdatedReplicas());
        return intValue(next.getUpdatedReplicas()) > intValue(old.getUpdatedReplicas()) || newOld < oldOld
                || intValue(next.getReadyReplicas()) > intValue(old.getReadyReplicas())
                || intValue(next.getAvailableReplicas()) > intValue(old.getAvailableReplicas());
    }

    /** The Progressing condition was last updated more than progressDeadlineSeconds ago (upstream's DeploymentTimedOut). */
    static boolean timedOut(Deployment deployment, DeploymentStatus status, Instant now) {
        if (!hasProgressDeadline(deployment)) {
            return false;
        }
        Optional<DeploymentCondition> condition = condition(status, PROGRESSING);
        if (condition.isEmpty() || NEW_RS_AVAILABLE.equals(condition.get().getReason())) {
            return false;
        }
        if (TIMED_OUT.equals(condition.get().getReason())) {
            return true;
        }
        String updated = condition.get().getLastUpdateTime();
        if (updated == null) {
            return false;
        }
        return Instant.parse(updated).plusSeconds(progressDeadlineSeconds(deployment)).isBefore(now);
    }
}
