package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DELETE with a garbage collector running: the orphan and foregroundDeletion finalizers as upstream sets them. */
class GarbageCollectionFinalizersTest {
    private static InProcessApiServer withCollector;
    private static InProcessApiServer withoutCollector;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        withCollector = new InProcessApiServer(config -> config.withGarbageCollection(true));
        withoutCollector = new InProcessApiServer();
        admin = withCollector.admin();
    }

    @AfterAll
    static void stop() {
        withCollector.close();
        withoutCollector.close();
    }

    private static ConfigMap configMap(KubernetesClient client, String name) {
        return client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .endMetadata().withData(Map.of("a", "b")).build()).create();
    }

    @Test
    void orphanAndForegroundLeaveTheObjectWithTheirFinalizer() {
        configMap(admin, "orphaned");
        admin.configMaps().inNamespace("default").withName("orphaned").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        ConfigMap orphaned = admin.configMaps().inNamespace("default").withName("orphaned").get();
        assertThat(orphaned.getMetadata().getFinalizers()).containsExactly("orphan");
        assertThat(orphaned.getMetadata().getDeletionTimestamp()).isNotNull();

        configMap(admin, "foreground");
        admin.configMaps().inNamespace("default").withName("foreground").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        ConfigMap foreground = admin.configMaps().inNamespace("default").withName("foreground").get();
        assertThat(foreground.getMetadata().getFinalizers()).containsExactly("foregroundDeletion");
    }

    @Test
    void anExplicitPolicyReplacesTheOtherFinalizerAndBackgroundRemovesBoth() {
        configMap(admin, "switched");
        admin.configMaps().inNamespace("default").withName("switched").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        admin.configMaps().inNamespace("default").withName("switched").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        assertThat(admin.configMaps().inNamespace("default").withName("switched").get().getMetadata().getFinalizers())
                .containsExactly("foregroundDeletion");
        admin.configMaps().inNamespace("default").withName("switched").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        assertThat(admin.configMaps().inNamespace("default").withName("switched").get()).isNull();
    }

    @Test
    void jobsOrphanByDefaultAndDeploymentsDoNot() {
        admin.batch().v1().jobs().inNamespace("default").resource(new JobBuilder().withNewMetadata().withName("once").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        // fabric8 sends propagationPolicy=Background unless told otherwise; a bare DELETE leaves it to the kind.
        deleteWithoutOptions("/apis/batch/v1/namespaces/default/jobs/once");
        Job job = admin.batch().v1().jobs().inNamespace("default").withName("once").get();
        assertThat(job.getMetadata().getFinalizers()).contains("orphan");

        admin.apps().deployments().inNamespace("default").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
        deleteWithoutOptions("/apis/apps/v1/namespaces/default/deployments/web");
        Deployment deployment = admin.apps().deployments().inNamespace("default").withName("web").get();
        assertThat(deployment).isNull();
    }

    private static void deleteWithoutOptions(String path) {
        admin.raw(admin.getMasterUrl().toString().replaceAll("/$", "") + path, "DELETE", null);
    }

    @Test
    void withoutACollectorNoFinalizerIsAdded() {
        KubernetesClient plain = withoutCollector.admin();
        configMap(plain, "plain");
        plain.configMaps().inNamespace("default").withName("plain").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        assertThat(plain.configMaps().inNamespace("default").withName("plain").get()).isNull();
    }
}
