package dev.kapal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.api.GroupVersionKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatchMetaTest {
    private static final PatchMeta META = PatchMeta.builtin();
    private static final GroupVersionKind POD = new GroupVersionKind("", "v1", "Pod");

    private static PatchMetaField at(GroupVersionKind kind, String path) {
        return META.lookup(kind, List.of(path.split("\\.")));
    }

    @Test
    void podSpecRulesHoldWhereverThePodSpecIsEmbedded() {
        for (var where : List.of(
                new Object[] {POD, "spec.containers"},
                new Object[] {new GroupVersionKind("apps", "v1", "Deployment"), "spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("apps", "v1", "StatefulSet"), "spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("apps", "v1", "DaemonSet"), "spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("apps", "v1", "ReplicaSet"), "spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("", "v1", "ReplicationController"), "spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("batch", "v1", "Job"), "spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("batch", "v1", "CronJob"), "spec.jobTemplate.spec.template.spec.containers"},
                new Object[] {new GroupVersionKind("", "v1", "PodTemplate"), "template.spec.containers"})) {
            PatchMetaField field = at((GroupVersionKind) where[0], (String) where[1]);
            assertThat(field.merges()).as(where[1].toString()).isTrue();
            assertThat(field.mergeKey()).contains("name");
            assertThat(field.type().field("env").mergeKey()).contains("name");
        }
    }

    @Test
    void listsDescendIntoTheirElementType() {
        assertThat(at(POD, "spec.initContainers.ports").mergeKey()).contains("containerPort");
        assertThat(at(POD, "spec.ephemeralContainers.volumeMounts").mergeKey()).contains("mountPath");
        assertThat(at(POD, "spec.containers.volumeDevices").mergeKey()).contains("devicePath");
    }

    @Test
    void combinedStrategiesAreKept() {
        PatchMetaField volumes = at(POD, "spec.volumes");
        assertThat(volumes.strategies()).isEqualTo(Set.of(PatchMetaStrategy.MERGE, PatchMetaStrategy.RETAIN_KEYS));
        assertThat(volumes.strategyTag()).isEqualTo("merge,retainKeys");
        PatchMetaField strategy = at(new GroupVersionKind("apps", "v1", "Deployment"), "spec.strategy");
        assertThat(strategy.retainsKeys()).isTrue();
        assertThat(strategy.merges()).isFalse();
    }

    @Test
    void untaggedFieldsHaveNoStrategy() {
        assertThat(at(POD, "spec.tolerations")).isEqualTo(PatchMetaField.NONE);
        assertThat(at(POD, "spec.containers.envFrom")).isEqualTo(PatchMetaField.NONE);
        assertThat(at(POD, "spec.containers.resizePolicy")).isEqualTo(PatchMetaField.NONE);
        assertThat(at(new GroupVersionKind("", "v1", "Node"), "spec.taints")).isEqualTo(PatchMetaField.NONE);
        assertThat(at(POD, "metadata.managedFields")).isEqualTo(PatchMetaField.NONE);
        assertThat(at(POD, "no.such.path")).isEqualTo(PatchMetaField.NONE);
    }

    @Test
    void everyKindHasObjectMeta() {
        GroupVersionKind configMap = new GroupVersionKind("", "v1", "ConfigMap");
        assertThat(at(configMap, "metadata.finalizers").merges()).isTrue();
        assertThat(at(configMap, "metadata.finalizers").mergeKey()).isEqualTo(Optional.empty());
        assertThat(at(configMap, "metadata.ownerReferences").mergeKey()).contains("uid");
    }

    @Test
    void statusConditionsMergeByType() {
        for (String kind : List.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")) {
            assertThat(at(new GroupVersionKind("apps", "v1", kind), "status.conditions").mergeKey()).as(kind).contains("type");
        }
        GroupVersionKind node = new GroupVersionKind("", "v1", "Node");
        assertThat(at(node, "status.addresses").mergeKey()).contains("type");
        assertThat(at(POD, "status.conditions").mergeKey()).contains("type");
        assertThat(at(POD, "status.containerStatuses")).isEqualTo(PatchMetaField.NONE);
        assertThat(at(new GroupVersionKind("", "v1", "Service"), "spec.ports").mergeKey()).contains("port");
    }

    @Test
    void emptyPathsAndUnknownStrategiesAreRefused() {
        assertThatThrownBy(() -> META.lookup(POD, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PatchMetaStrategy.parse("merge,bogus")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PatchMetaStrategy.parse("merge,retainKeys"))
                .isEqualTo(Set.of(PatchMetaStrategy.MERGE, PatchMetaStrategy.RETAIN_KEYS));
    }
}
