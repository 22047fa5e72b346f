package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.kubelet.runtime.RegistryAuth;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PullSecretsTest {
    private static Secret dockerConfigJson(String auths) {
        return new SecretBuilder().withNewMetadata().withName("s").endMetadata().withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", base64("{\"auths\":" + auths + "}"))).build();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void imageReferencesNameTheirRegistryAndRepository() {
        assertThat(PullSecrets.Reference.of("busybox")).isEqualTo(new PullSecrets.Reference("docker.io", "library/busybox"));
        assertThat(PullSecrets.Reference.of("me/app:1")).isEqualTo(new PullSecrets.Reference("docker.io", "me/app"));
        assertThat(PullSecrets.Reference.of("127.0.0.1:5000/team/app:v1@sha256:abc"))
                .isEqualTo(new PullSecrets.Reference("127.0.0.1:5000", "team/app"));
        assertThat(PullSecrets.Reference.of("localhost/app")).isEqualTo(new PullSecrets.Reference("localhost", "app"));
        assertThat(PullSecrets.Reference.of("index.docker.io/library/nginx")).isEqualTo(new PullSecrets.Reference("docker.io", "library/nginx"));
    }

    @Test
    void entriesMatchByHostPortWildcardAndPathMostSpecificFirst() {
        Secret secret = dockerConfigJson("""
                {"https://index.docker.io/v1/": {"username": "hub", "password": "h"},
                 "registry.example.com:5000": {"auth": "%s"},
                 "registry.example.com:5000/team": {"username": "team", "password": "t"},
                 "*.corp.example": {"username": "corp", "password": "c"}}
                """.formatted(base64("basic:b")));
        assertThat(PullSecrets.forImage("nginx:1.25", List.of(secret))).containsExactly(new RegistryAuth("hub", "h", "", ""));
        assertThat(PullSecrets.forImage("registry.example.com:5000/team/app:1", List.of(secret)))
                .containsExactly(new RegistryAuth("team", "t", "", ""), new RegistryAuth("basic", "b", "", ""));
        assertThat(PullSecrets.forImage("registry.example.com:5000/other/app", List.of(secret)))
                .containsExactly(new RegistryAuth("basic", "b", "", ""));
        assertThat(PullSecrets.forImage("registry.example.com/team/app", List.of(secret))).isEmpty();
        assertThat(PullSecrets.forImage("images.corp.example/app", List.of(secret))).containsExactly(new RegistryAuth("corp", "c", "", ""));
        assertThat(PullSecrets.forImage("a.images.corp.example/app", List.of(secret))).isEmpty();
    }

    @Test
    void legacyDockercfgAndUnreadableSecretsAreHandled() {
        Secret legacy = new SecretBuilder().withNewMetadata().withName("old").endMetadata().withType("kubernetes.io/dockercfg")
                .withData(Map.of(".dockercfg", base64("{\"quay.io\": {\"username\": \"q\", \"password\": \"p\"}}"))).build();
        Secret broken = new SecretBuilder().withNewMetadata().withName("broken").endMetadata()
                .withData(Map.of(".dockerconfigjson", base64("not json"))).build();
        assertThat(PullSecrets.forImage("quay.io/org/app", List.of(broken, legacy))).containsExactly(new RegistryAuth("q", "p", "", ""));
    }
}
