package dev.kapal.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployment arithmetic: upstream's rounding, the hash, and the annotation bookkeeping. */
class RolloutsTest {
    private static Deployment rolling(int replicas, IntOrString surge, IntOrString unavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("d").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(surge).withMaxUnavailable(unavailable).endRollingUpdate()
                .endStrategy().endSpec().build();
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailabilityDown() {
        Deployment d = rolling(10, new IntOrString("25%"), new IntOrString("25%"));
        assertThat(Rollouts.maxSurge(d)).isEqualTo(3);
        assertThat(Rollouts.maxUnavailable(d)).isEqualTo(2);
        Deployment seed = rolling(3, new IntOrString("25%"), new IntOrString("25%"));
        assertThat(Rollouts.maxSurge(seed)).isEqualTo(1);
        assertThat(Rollouts.maxUnavailable(seed)).isZero();
    }

    @Test
    void zeroSurgeAndZeroUnavailabilityAllowOneUnavailable() {
        Deployment d = rolling(3, new IntOrString(0), new IntOrString("10%"));
        assertThat(Rollouts.maxSurge(d)).isZero();
        assertThat(Rollouts.maxUnavailable(d)).isEqualTo(1);
    }

    @Test
    void unavailabilityIsCappedAtReplicasAndRecreateHasNeither() {
        assertThat(Rollouts.maxUnavailable(rolling(2, new IntOrString(1), new IntOrString(5)))).isEqualTo(2);
        Deployment recreate = new DeploymentBuilder().withNewSpec().withReplicas(3).withNewStrategy().withType("Recreate")
                .endStrategy().endSpec().build();
        assertThat(Rollouts.maxSurge(recreate)).isZero();
        assertThat(Rollouts.maxUnavailable(recreate)).isZero();
    }

    @Test
    void aStringThatIsNotAPercentageIsRejected() {
        assertThatThrownBy(() -> Rollouts.scaled(new IntOrString("3"), 10, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTemplateHashIsShortSafeStableAndMovesWithTheTemplateAndCollisionCount() {
        PodTemplateSpec template = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "nginx-pod").addToLabels("tier", "web")
                .endMetadata().withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.15").endContainer().endSpec().build();
        PodTemplateSpec reordered = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("tier", "web").addToLabels("app", "nginx-pod")
                .endMetadata().withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.15").endContainer().endSpec().build();
        String hash = Rollouts.templateHash(template, null);
        assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        assertThat(Rollouts.templateHash(reordered, null)).isEqualTo(hash);
        assertThat(Rollouts.templateHash(template, 1)).isNotEqualTo(hash);
        PodTemplateSpec changed = new PodTemplateSpecBuilder(template).editSpec().editFirstContainer().withImage("nginx:1.16")
                .endContainer().endSpec().build();
        assertThat(Rollouts.templateHash(changed, null)).isNotEqualTo(hash);
        PodTemplateSpec hashed = new PodTemplateSpecBuilder(template).editMetadata().addToLabels(Rollouts.TEMPLATE_HASH_LABEL, hash)
                .endMetadata().build();
        assertThat(Rollouts.equalIgnoreHash(hashed, template)).isTrue();
        assertThat(Rollouts.equalIgnoreHash(hashed, changed)).isFalse();
    }

    @Test
    void aReusedReplicaSetTakesTheNextRevisionAndKeepsItsOldOnesInHistory() {
        Deployment d = new DeploymentBuilder(rolling(3, new IntOrString("25%"), new IntOrString("25%")))
                .editMetadata().withAnnotations(Map.of(Rollouts.CHANGE_CAUSE, "why", Rollouts.REVISION, "2",
                        Rollouts.LAST_APPLIED, "{}")).endMetadata().build();
        ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withName("rs")
                .withAnnotations(new java.util.HashMap<>(Map.of(Rollouts.REVISION, "1"))).endMetadata().withNewSpec().endSpec().build();
        assertThat(Rollouts.setNewReplicaSetAnnotations(d, rs, "3", true)).isTrue();
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "3")
                .containsEntry(Rollouts.REVISION_HISTORY, "1").containsEntry(Rollouts.CHANGE_CAUSE, "why")
                .doesNotContainKey(Rollouts.LAST_APPLIED);
        assertThat(Rollouts.setNewReplicaSetAnnotations(d, rs, "5", true)).isTrue();
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "5").containsEntry(Rollouts.REVISION_HISTORY, "1,3");
        assertThat(Rollouts.setNewReplicaSetAnnotations(d, rs, "4", true)).as("never lowered").isFalse();
    }

    @Test
    void aNewReplicaSetGetsReplicaAnnotations() {
        Deployment d = rolling(3, new IntOrString("25%"), new IntOrString("25%"));
        ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withName("rs").endMetadata().withNewSpec().endSpec().build();
        Rollouts.setNewReplicaSetAnnotations(d, rs, "1", false);
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "1")
                .containsEntry(Rollouts.DESIRED_REPLICAS, "3").containsEntry(Rollouts.MAX_REPLICAS, "4");
    }
}
