package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    @Test
    void versionReportsKubernetes133() {
        VersionInfo version = cluster.client().getKubernetesVersion();
        assertThat(version.getMajor()).isEqualTo("1");
        assertThat(version.getMinor()).isEqualTo("33");
    }

    @Test
    void createsAndReadsAConfigMap() {
        cluster.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("smoke").endMetadata().addToData("a", "b").build()).create();
        ConfigMap read = cluster.client().configMaps().inNamespace("default").withName("smoke").get();
        assertThat(read.getData()).containsEntry("a", "b");
    }
}
