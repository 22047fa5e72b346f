package dev.kapal.api.codec;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.kapal.api.GroupVersionKind;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admission;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V2beta2Autoscaling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which protobuf message describes a given (apiVersion, kind): the lookup the protobuf codec needs
 * to read the {@code raw} bytes of a {@code runtime.Unknown} envelope.
 *
 * <p>The descriptors come from {@code io.kubernetes:client-java-proto}, generated from upstream's
 * {@code generated.proto} files (about Kubernetes 1.30: newer fields are absent, and so are the
 * groups coordination, discovery, events, node, flowcontrol, resource and apiextensions/v1).
 * Only the group-versions Kubernetes 1.33 serves are registered: an old beta version would decode
 * here but is refused later by routing anyway, so registering it only widens the attack surface.
 */
final class ProtobufSchemas {
    /** The meta kinds every group-version accepts (upstream's {@code metav1.AddToGroupVersion}). */
    private static final Set<String> OPTIONS_KINDS = Set.of(
            "DeleteOptions", "ListOptions", "GetOptions", "CreateOptions", "UpdateOptions", "PatchOptions");
    private static final String META_GROUP = "meta.k8s.io";
    private static final String META_PACKAGE = "k8s.io.apimachinery.pkg.apis.meta.v1";

    private static final Map<GroupVersionKind, Descriptor> KINDS = build();

    private ProtobufSchemas() {
    }

    /** The message for a top-level kind, if this server can read that kind as protobuf. */
    static Optional<Descriptor> lookup(GroupVersionKind kind) {
        Objects.requireNonNull(kind, "kind");
        Descriptor direct = KINDS.get(kind);
        if (direct != null) {
            return Optional.of(direct);
        }
        if (OPTIONS_KINDS.contains(kind.kind())) {
            // client-go encodes DeleteOptions with the group-version of the client that sends it.
            return Optional.ofNullable(KINDS.get(new GroupVersionKind(META_GROUP, "v1", kind.kind())));
        }
        return Optional.empty();
    }

    /** Every registered kind; for tests and diagnostics. */
    static Set<GroupVersionKind> kinds() {
        return KINDS.keySet();
    }

    private static Map<GroupVersionKind, Descriptor> build() {
        // The files whose group-versions Kubernetes 1.33 serves. autoscaling/v2 is read with the
        // v2beta2 messages: v2 was copied from v2beta2 with the same messages and field numbers
        // (checked against upstream's autoscaling/v2 types.go protobuf tags); v2-only fields
        // (HPAScalingRules.tolerance, 1.33) arrive as unknown fields and are refused, not lost.
        List<FileDescriptor> files = List.of(V1.getDescriptor(), V1Apps.getDescriptor(),
                V1Batch.getDescriptor(), V1Autoscaling.getDescriptor(), V1Policy.getDescriptor(),
                V1Networking.getDescriptor(), V1Rbac.getDescriptor(), V1Storage.getDescriptor(),
                V1Scheduling.getDescriptor(), V1Certificates.getDescriptor(),
                V1Admissionregistration.getDescriptor(), V1Admission.getDescriptor(),
                V1Authentication.getDescriptor(), V1Authorization.getDescriptor());
        Map<GroupVersionKind, Descriptor> kinds = new HashMap<>();
        for (FileDescriptor file : files) {
            register(kinds, file, groupOf(file.getPackage()), "v1");
        }
        register(kinds, V2beta2Autoscaling.getDescriptor(), "autoscaling", "v2");
        FileDescriptor meta = Meta.getDescriptor();
        for (String kind : OPTIONS_KINDS) {
            kinds.put(new GroupVersionKind(META_GROUP, "v1", kind), meta.findMessageTypeByName(kind));
        }
        // Status and the partial-metadata kinds carry apiVersion meta.k8s.io/v1 (Status: v1).
        kinds.put(new GroupVersionKind("", "v1", "Status"), meta.findMessageTypeByName("Status"));
        kinds.put(new GroupVersionKind(META_GROUP, "v1", "Status"), meta.findMessageTypeByName("Status"));
        kinds.put(new GroupVersionKind(META_GROUP, "v1", "PartialObjectMetadata"),
                meta.findMessageTypeByName("PartialObjectMetadata"));
        kinds.put(new GroupVersionKind(META_GROUP, "v1", "PartialObjectMetadataList"),
                meta.findMessageTypeByName("PartialObjectMetadataList"));
        return Map.copyOf(kinds);
    }

    private static void register(Map<GroupVersionKind, Descriptor> kinds, FileDescriptor file,
                                 String group, String version) {
        for (Descriptor message : file.getMessageTypes()) {
            if (isTopLevelKind(message)) {
                kinds.put(new GroupVersionKind(group, version, message.getName()), message);
            }
        }
    }

    /**
     * A kind is a message with standard object or list metadata (Pod, PodList, Scale, Eviction,
     * TokenRequest, the access reviews). Nested types (PodSpec, Container) have none, so a body
     * claiming {@code kind: PodSpec} is refused as upstream refuses an unregistered kind.
     */
    private static boolean isTopLevelKind(Descriptor message) {
        FieldDescriptor metadata = message.findFieldByName("metadata");
        if (metadata == null || metadata.getType() != FieldDescriptor.Type.MESSAGE) {
            return false;
        }
        String type = metadata.getMessageType().getFullName();
        return type.equals(META_PACKAGE + ".ObjectMeta") || type.equals(META_PACKAGE + ".ListMeta");
    }

    /**
     * The API group of a {@code k8s.io.api.<segment>.<version>} package: the legacy groups keep
     * their bare names, core is the empty group, rbac is {@code rbac.authorization.k8s.io}, and
     * every other group is {@code <segment>.k8s.io}.
     */
    static String groupOf(String protoPackage) {
        String[] parts = protoPackage.split("\\.");
        if (parts.length != 5 || !protoPackage.startsWith("k8s.io.api.")) {
            throw new IllegalArgumentException("not a k8s.io/api package: " + protoPackage);
        }
        String segment = parts[3];
        return switch (segment) {
            case "core" -> "";
            case "apps", "batch", "autoscaling", "policy", "extensions" -> segment;
            case "rbac" -> "rbac.authorization.k8s.io";
            default -> segment + ".k8s.io";
        };
    }
}
