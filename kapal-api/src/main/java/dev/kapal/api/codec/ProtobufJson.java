package dev.kapal.api.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.UnknownFieldSet;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a parsed Kubernetes protobuf message into the JSON tree upstream's Go JSON encoder would
 * have produced for the same Go object.
 *
 * <p>Why not protobuf's {@code JsonFormat}: Kubernetes JSON differs (int64 as numbers, not
 * strings; Time, IntOrString, Quantity, RawExtension have custom JSON; zero values are omitted by
 * {@code omitempty}, not by proto3 rules).
 *
 * <p>The zero-value rule. In upstream's {@code generated.proto} every singular field is proto2
 * {@code optional}, and Go's marshaller writes non-pointer fields always (even {@code ""}, 0,
 * false) but pointer fields only when non-nil. So a present field with a zero value is either a
 * non-pointer zero, which Go's JSON drops when the field is {@code omitempty} (almost all are),
 * or a pointer set to zero, which JSON keeps ({@code replicas: 0},
 * {@code automountServiceAccountToken: false}). The descriptors do not say which, so present zero
 * scalars are dropped except for the fields in {@link #KEEP_ZERO}: the pointer scalars of the
 * built-in kinds plus non-pointer numbers without {@code omitempty} whose zero matters (e.g.
 * {@code PriorityClass.value}). Map values and list items are always kept ({@code data: {k: ""}}).
 * Present message fields are always kept, as {@code {}} when empty (Go marshals a nil pointer
 * not at all and a non-pointer struct as {@code {}}), except the special types below.
 */
final class ProtobufJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String DURATION = META + "Duration";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String VERBS = META + "Verbs";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * Scalar fields ({@code Message.field}, message by simple name) whose zero value JSON keeps.
     * Taken from the Go types in k8s.io/api: pointer scalars ({@code *int32}, {@code *bool},
     * {@code *string} and named string pointers) and a few non-pointer numbers and bools declared
     * without {@code omitempty}.
     */
    static final Set<String> KEEP_ZERO = java.util.Set.of(
            // meta
            "ObjectMeta.deletionGracePeriodSeconds", "OwnerReference.controller",
            "OwnerReference.blockOwnerDeletion", "DeleteOptions.gracePeriodSeconds",
            "DeleteOptions.orphanDependents", "DeleteOptions.propagationPolicy", "Preconditions.uid",
            "Preconditions.resourceVersion", "ListMeta.remainingItemCount",
            // core: pods and containers
            "PodSpec.terminationGracePeriodSeconds", "PodSpec.activeDeadlineSeconds",
            "PodSpec.automountServiceAccountToken", "PodSpec.shareProcessNamespace", "PodSpec.priority",
            "PodSpec.enableServiceLinks", "PodSpec.preemptionPolicy", "PodSpec.runtimeClassName",
            "PodSpec.setHostnameAsFQDN", "PodSpec.hostUsers", "Container.restartPolicy",
            "EphemeralContainerCommon.restartPolicy", "ContainerPort.containerPort",
            "SecurityContext.privileged", "SecurityContext.runAsUser", "SecurityContext.runAsGroup",
            "SecurityContext.runAsNonRoot", "SecurityContext.readOnlyRootFilesystem",
            "SecurityContext.allowPrivilegeEscalation", "SecurityContext.procMount",
            "PodSecurityContext.runAsUser", "PodSecurityContext.runAsGroup",
            "PodSecurityContext.runAsNonRoot", "PodSecurityContext.fsGroup",
            "PodSecurityContext.fsGroupChangePolicy", "PodSecurityContext.supplementalGroupsPolicy",
            "PodSecurityContext.seLinuxChangePolicy", "WindowsSecurityContextOptions.hostProcess",
            "WindowsSecurityContextOptions.gmsaCredentialSpecName",
            "WindowsSecurityContextOptions.gmsaCredentialSpec", "WindowsSecurityContextOptions.runAsUserName",
            "SeccompProfile.localhostProfile", "AppArmorProfile.localhostProfile",
            "Probe.terminationGracePeriodSeconds", "GRPCAction.port", "GRPCAction.service",
            "SleepAction.seconds", "Lifecycle.stopSignal", "HTTPHeader.value",
            "VolumeMount.mountPropagation", "VolumeMount.recursiveReadOnly", "Toleration.tolerationSeconds",
            "TopologySpreadConstraint.maxSkew", "TopologySpreadConstraint.minDomains",
            "TopologySpreadConstraint.nodeAffinityPolicy", "TopologySpreadConstraint.nodeTaintsPolicy",
            "WeightedPodAffinityTerm.weight", "PreferredSchedulingTerm.weight", "PodDNSConfigOption.value",
            "ContainerStatus.ready", "ContainerStatus.restartCount", "ContainerStatus.started",
            // core: env and volume sources
            "ConfigMapKeySelector.optional", "SecretKeySelector.optional", "ConfigMapEnvSource.optional",
            "SecretEnvSource.optional", "SecretVolumeSource.defaultMode", "SecretVolumeSource.optional",
            "ConfigMapVolumeSource.defaultMode", "ConfigMapVolumeSource.optional",
            "ConfigMapProjection.optional", "SecretProjection.optional", "KeyToPath.mode",
            "DownwardAPIVolumeSource.defaultMode", "DownwardAPIVolumeFile.mode",
            "ProjectedVolumeSource.defaultMode", "ServiceAccountTokenProjection.expirationSeconds",
            "CSIVolumeSource.readOnly", "CSIVolumeSource.fsType", "HostPathVolumeSource.type",
            "ClusterTrustBundleProjection.optional", "PersistentVolumeClaimSpec.storageClassName",
            "PersistentVolumeClaimSpec.volumeMode", "PersistentVolumeClaimSpec.volumeAttributesClassName",
            // core: other kinds
            "Secret.immutable", "ConfigMap.immutable", "ServiceAccount.automountServiceAccountToken",
            "ServiceSpec.allocateLoadBalancerNodePorts", "ServiceSpec.loadBalancerClass",
            "ServiceSpec.internalTrafficPolicy", "ServiceSpec.ipFamilyPolicy",
            "ServiceSpec.trafficDistribution", "ServicePort.port", "ServicePort.appProtocol",
            "ClientIPConfig.timeoutSeconds", "LoadBalancerIngress.ipMode", "PortStatus.port",
            "PortStatus.error", "EndpointPort.port", "EndpointPort.appProtocol", "EndpointAddress.nodeName",
            "ReplicationControllerSpec.replicas", "ReplicationControllerStatus.replicas",
            // apps
            "DeploymentSpec.replicas", "DeploymentSpec.revisionHistoryLimit",
            "DeploymentSpec.progressDeadlineSeconds", "DeploymentStatus.collisionCount",
            "ReplicaSetSpec.replicas", "ReplicaSetStatus.replicas", "StatefulSetSpec.replicas",
            "StatefulSetSpec.revisionHistoryLimit", "StatefulSetStatus.replicas",
            "StatefulSetStatus.collisionCount", "RollingUpdateStatefulSetStrategy.partition",
            "DaemonSetSpec.revisionHistoryLimit", "DaemonSetStatus.collisionCount",
            "DaemonSetStatus.currentNumberScheduled", "DaemonSetStatus.numberMisscheduled",
            "DaemonSetStatus.desiredNumberScheduled", "DaemonSetStatus.numberReady",
            // batch
            "JobSpec.parallelism", "JobSpec.completions", "JobSpec.activeDeadlineSeconds",
            "JobSpec.backoffLimit", "JobSpec.backoffLimitPerIndex", "JobSpec.maxFailedIndexes",
            "JobSpec.manualSelector", "JobSpec.ttlSecondsAfterFinished", "JobSpec.completionMode",
            "JobSpec.suspend", "JobSpec.podReplacementPolicy", "JobSpec.managedBy", "JobStatus.ready",
            "JobStatus.terminating", "CronJobSpec.timeZone", "CronJobSpec.startingDeadlineSeconds",
            "CronJobSpec.suspend", "CronJobSpec.successfulJobsHistoryLimit",
            "CronJobSpec.failedJobsHistoryLimit", "PodFailurePolicyOnExitCodesRequirement.containerName",
            "SuccessPolicyRule.succeededIndexes", "SuccessPolicyRule.succeededCount",
            // autoscaling; ScaleSpec.replicas is omitempty upstream, kept so that a scale to 0
            // reads the same whether or not the consumer defaults a missing field to 0
            "ScaleSpec.replicas", "ScaleStatus.replicas", "HorizontalPodAutoscalerSpec.minReplicas",
            "HorizontalPodAutoscalerSpec.maxReplicas",
            "HorizontalPodAutoscalerSpec.targetCPUUtilizationPercentage",
            "HorizontalPodAutoscalerStatus.observedGeneration", "HorizontalPodAutoscalerStatus.currentReplicas",
            "HorizontalPodAutoscalerStatus.desiredReplicas",
            "HorizontalPodAutoscalerStatus.currentCPUUtilizationPercentage", "MetricTarget.averageUtilization",
            "MetricValueStatus.averageUtilization", "HPAScalingRules.stabilizationWindowSeconds",
            "HPAScalingRules.selectPolicy", "HPAScalingPolicy.value", "HPAScalingPolicy.periodSeconds",
            // policy, networking, scheduling, auth, certificates, storage, admission
            "PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy", "PodDisruptionBudgetStatus.disruptionsAllowed",
            "PodDisruptionBudgetStatus.currentHealthy", "PodDisruptionBudgetStatus.desiredHealthy",
            "PodDisruptionBudgetStatus.expectedPods", "IngressSpec.ingressClassName", "HTTPIngressPath.pathType",
            "NetworkPolicyPort.protocol", "NetworkPolicyPort.endPort", "IngressClassParametersReference.apiGroup",
            "IngressClassParametersReference.scope", "IngressClassParametersReference.namespace",
            "IngressPortStatus.port", "IngressPortStatus.error", "PriorityClass.value",
            "PriorityClass.preemptionPolicy", "TokenRequestSpec.expirationSeconds",
            "SubjectAccessReviewStatus.allowed", "SubjectRulesReviewStatus.incomplete",
            "CertificateSigningRequestSpec.expirationSeconds", "StorageClass.allowVolumeExpansion",
            "StorageClass.reclaimPolicy", "StorageClass.volumeBindingMode", "CSIDriverSpec.attachRequired",
            "CSIDriverSpec.podInfoOnMount", "CSIDriverSpec.storageCapacity", "CSIDriverSpec.fsGroupPolicy",
            "CSIDriverSpec.requiresRepublish", "CSIDriverSpec.seLinuxMount",
            "ValidatingWebhook.failurePolicy", "ValidatingWebhook.matchPolicy", "ValidatingWebhook.sideEffects",
            "ValidatingWebhook.timeoutSeconds", "MutatingWebhook.failurePolicy", "MutatingWebhook.matchPolicy",
            "MutatingWebhook.sideEffects", "MutatingWebhook.timeoutSeconds", "MutatingWebhook.reinvocationPolicy",
            "ServiceReference.port", "ServiceReference.path", "WebhookClientConfig.url", "Rule.scope");

    /**
     * Message fields ({@code Message.field}) that Go embeds with {@code json:",inline"}: the
     * proto has a field for the embedded struct, the JSON has its fields flattened into the parent.
     */
    static final Set<String> INLINE = java.util.Set.of(
            "Volume.volumeSource", "PersistentVolumeSpec.persistentVolumeSource", "Probe.handler",
            "ConfigMapKeySelector.localObjectReference", "SecretKeySelector.localObjectReference",
            "ConfigMapEnvSource.localObjectReference", "SecretEnvSource.localObjectReference",
            "ConfigMapVolumeSource.localObjectReference", "ConfigMapProjection.localObjectReference",
            "SecretProjection.localObjectReference", "EphemeralContainer.ephemeralContainerCommon",
            "IngressRule.ingressRuleValue", "RuleWithOperations.rule", "NamedRuleWithOperations.ruleWithOperations");

    /**
     * Non-pointer IntOrString fields that Go always writes, as 0 when the client left them unset,
     * and that upstream defaulting treats as unset when zero ({@code targetPort} defaults to
     * {@code port}). Dropping the zero lets our strategies, which default absent fields, do the
     * same; pointer IntOrStrings ({@code maxUnavailable: 0}) are kept.
     */
    static final Set<String> ZERO_MEANS_UNSET = Set.of("ServicePort.targetPort");

    private ProtobufJson() {
    }

    /** The JSON object for a message; fields in declaration order (upstream's Go field order). */
    static ObjectNode object(DynamicMessage message) {
        Objects.requireNonNull(message, "message");
        refuseUnknownFields(message);
        ObjectNode json = NODES.objectNode();
        Descriptor type = message.getDescriptorForType();
        for (FieldDescriptor field : type.getFields()) {
            if (field.isMapField()) {
                int count = message.getRepeatedFieldCount(field);
                if (count > 0) {
                    json.set(field.getName(), map(message, field, count));
                }
            } else if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                if (count > 0) {
                    ArrayNode array = json.putArray(field.getName());
                    for (int i = 0; i < count; i++) {
                        JsonNode item = value(field, message.getRepeatedField(field, i));
                        // A zero time inside a list is null in Go's JSON; a list keeps its length.
                        array.add(item.isMissingNode() ? NODES.nullNode() : item);
                    }
                }
            } else if (message.hasField(field)) {
                Object value = message.getField(field);
                String key = type.getName() + "." + field.getName();
                if (INLINE.contains(key)) {
                    // Go embeds these structs with `json:",inline"`: their fields join ours.
                    json.setAll(object((DynamicMessage) value));
                } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    JsonNode node = value(field, value);
                    boolean unset = ZERO_MEANS_UNSET.contains(key)
                            && (node.isIntegralNumber() && node.asLong() == 0 || node.isTextual() && node.asText().isEmpty());
                    if (!node.isMissingNode() && !unset) {
                        json.set(field.getName(), node);
                    }
                } else if (!isZero(value) || KEEP_ZERO.contains(key)) {
                    json.set(field.getName(), value(field, value));
                }
            }
        }
        return json;
    }

    /** An int64 as Jackson would read it back from JSON: int when it fits, so trees compare equal. */
    private static JsonNode number(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static ObjectNode map(DynamicMessage message, FieldDescriptor field, int count) {
        Descriptor entry = field.getMessageType();
        FieldDescriptor keyField = entry.findFieldByNumber(1);
        FieldDescriptor valueField = entry.findFieldByNumber(2);
        ObjectNode json = NODES.objectNode();
        for (int i = 0; i < count; i++) {
            DynamicMessage pair = (DynamicMessage) message.getRepeatedField(field, i);
            refuseUnknownFields(pair);
            // Kubernetes maps are keyed by strings; a repeated key keeps the last value, as in Go.
            String key = String.valueOf(pair.getField(keyField));
            JsonNode value = value(valueField, pair.getField(valueField));
            json.set(key, value.isMissingNode() ? NODES.nullNode() : value);
        }
        return json;
    }

    /** One value; {@link JsonNode#isMissingNode() missing} when Go's JSON would write null. */
    private static JsonNode value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case STRING -> NODES.textNode((String) value);
            case INT -> number(field.getType() == FieldDescriptor.Type.UINT32
                    || field.getType() == FieldDescriptor.Type.FIXED32
                    ? Integer.toUnsignedLong((Integer) value) : (long) (Integer) value);
            case LONG -> field.getType() == FieldDescriptor.Type.UINT64
                    || field.getType() == FieldDescriptor.Type.FIXED64
                    ? NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString((Long) value)))
                    : number((Long) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            // Go's []byte marshals as standard base64 (Secret.data, ConfigMap.binaryData).
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.textNode(((EnumValueDescriptor) value).getName());
            case MESSAGE -> message((DynamicMessage) value);
        };
    }

    private static JsonNode message(DynamicMessage message) {
        return switch (message.getDescriptorForType().getFullName()) {
            case TIME -> time(message, false);
            case MICRO_TIME -> time(message, true);
            case DURATION -> {
                refuseUnknownFields(message);
                yield NODES.textNode(goDuration((Long) field(message, 1)));
            }
            case INT_OR_STRING -> {
                refuseUnknownFields(message);
                // type 1 is intstr.String; anything else reads as an int, as Go's MarshalJSON does.
                yield ((Long) field(message, 1)) == 1
                        ? NODES.textNode((String) field(message, 3))
                        : NODES.numberNode((Integer) field(message, 2));
            }
            case QUANTITY -> {
                refuseUnknownFields(message);
                String text = (String) field(message, 1);
                // The zero Quantity marshals as "0".
                yield NODES.textNode(text.isEmpty() ? "0" : text);
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                refuseUnknownFields(message);
                ByteString raw = (ByteString) field(message, 1);
                yield raw.isEmpty() ? NODES.missingNode() : embeddedJson(raw);
            }
            case VERBS -> {
                refuseUnknownFields(message);
                yield stringItems(message);
            }
            default -> {
                // Go's ExtraValue types (authentication, authorization, certificates) are []string
                // wrapped in a message with one repeated field "items".
                if (message.getDescriptorForType().getName().equals("ExtraValue")) {
                    refuseUnknownFields(message);
                    yield stringItems(message);
                }
                yield object(message);
            }
        };
    }

    private static ArrayNode stringItems(DynamicMessage message) {
        ArrayNode array = NODES.arrayNode();
        FieldDescriptor items = message.getDescriptorForType().findFieldByNumber(1);
        for (Object item : (List<?>) message.getField(items)) {
            array.add((String) item);
        }
        return array;
    }

    private static Object field(DynamicMessage message, int number) {
        return message.getField(message.getDescriptorForType().findFieldByNumber(number));
    }

    /**
     * metav1.Time and MicroTime travel as {seconds, nanos}. The zero time travels as an empty
     * message and is JSON null, which we omit (a new object's {@code creationTimestamp}). Time
     * keeps whole seconds only, as upstream's unmarshaller does; MicroTime keeps microseconds.
     */
    private static JsonNode time(DynamicMessage message, boolean micro) {
        refuseUnknownFields(message);
        FieldDescriptor seconds = message.getDescriptorForType().findFieldByNumber(1);
        FieldDescriptor nanos = message.getDescriptorForType().findFieldByNumber(2);
        if (!message.hasField(seconds) && !message.hasField(nanos)) {
            return NODES.missingNode();
        }
        try {
            Instant instant = Instant.ofEpochSecond((Long) message.getField(seconds),
                    micro ? Math.floorMod((Integer) message.getField(nanos), 1_000_000_000) : 0);
            int year = instant.atZone(ZoneOffset.UTC).getYear();
            if (year < 0 || year > 9999) {
                throw ApiException.badRequest("Time.MarshalJSON: year outside of range [0,9999]");
            }
            return NODES.textNode((micro ? MICROS : SECONDS).format(instant));
        } catch (DateTimeException | ArithmeticException e) {
            throw ApiException.badRequest("Time.MarshalJSON: year outside of range [0,9999]");
        }
    }

    private static JsonNode embeddedJson(ByteString raw) {
        // RawExtension holds the embedded object's JSON (upstream's MarshalJSON copies it verbatim).
        return Json.parse(raw.toByteArray());
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case String s -> s.isEmpty();
            case Integer i -> i == 0;
            case Long l -> l == 0;
            case Boolean b -> !b;
            case Float f -> f == 0;
            case Double d -> d == 0;
            case ByteString bytes -> bytes.isEmpty();
            default -> false;
        };
    }

    /**
     * Fields this server's descriptors do not know (added to Kubernetes after them) are refused
     * unless they hold a zero value: Go writes every non-pointer field, so a newer zero field
     * shows up in every body and means nothing, while a set one would be silently lost.
     */
    private static void refuseUnknownFields(DynamicMessage message) {
        UnknownFieldSet unknown = message.getUnknownFields();
        for (Map.Entry<Integer, UnknownFieldSet.Field> entry : unknown.asMap().entrySet()) {
            UnknownFieldSet.Field field = entry.getValue();
            boolean zero = field.getVarintList().stream().allMatch(v -> v == 0)
                    && field.getFixed32List().stream().allMatch(v -> v == 0)
                    && field.getFixed64List().stream().allMatch(v -> v == 0)
                    && field.getLengthDelimitedList().stream().allMatch(ByteString::isEmpty)
                    && field.getGroupList().isEmpty();
            if (!zero) {
                throw new ApiException(StatusReason.UNSUPPORTED_MEDIA_TYPE, "field number " + entry.getKey()
                        + " of protobuf message " + message.getDescriptorForType().getFullName()
                        + " is not supported by this server; send the object as application/json");
            }
        }
    }

    /** Go's {@code time.Duration.String()}: "1h2m3.5s", "1.5ms", "0s". */
    static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        // Long.MIN_VALUE has no positive counterpart; its unsigned negation is itself.
        long u = negative ? -nanos : nanos;
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            String unit;
            int precision;
            if (u < 1_000L) {
                unit = "ns";
                precision = 0;
            } else if (u < 1_000_000L) {
                unit = "µs";
                precision = 3;
            } else {
                unit = "ms";
                precision = 6;
            }
            out.append(withFraction(u, precision)).append(unit);
        } else {
            long seconds = Long.divideUnsigned(u, 1_000_000_000L);
            String fraction = fraction(Long.remainderUnsigned(u, 1_000_000_000L), 9);
            long minutes = seconds / 60;
            long hours = minutes / 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (minutes > 0) {
                out.append(minutes % 60).append('m');
            }
            out.append(seconds % 60).append(fraction).append('s');
        }
        return (negative ? "-" : "") + out;
    }

    private static String withFraction(long value, int precision) {
        long scale = (long) Math.pow(10, precision);
        return (value / scale) + fraction(value % scale, precision);
    }

    /** ".5" for 500000000 at precision 9; empty when the fraction is zero. */
    private static String fraction(long digits, int precision) {
        if (digits == 0) {
            return "";
        }
        String text = String.format("%0" + precision + "d", digits);
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        return "." + text.substring(0, end);
    }
}
