package dev.kapal.kubelet.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {
    @TempDir
    Path directory;

    @Test
    void k3sRegistriesYamlBecomesHostFilesAndCriAuth() throws Exception {
        Path file = directory.resolve("registries.yaml");
        Files.writeString(file, """
                mirrors:
                  docker.io:
                    endpoint:
                      - "http://127.0.0.1:5000"
                      - "https://mirror.example.com"
                  "*":
                    endpoint: ["https://everything.example.com"]
                configs:
                  "mirror.example.com":
                    auth: {username: u, password: "p\\"q"}
                    tls: {ca_file: /etc/ca.pem, insecure_skip_verify: true}
                  "private.example.com:8443":
                    tls: {cert_file: /c.pem, key_file: /k.pem}
                """);
        RegistryConfig config = RegistryConfig.read(file);
        assertThat(config.hostsFiles()).containsOnlyKeys("docker.io", "_default", "mirror.example.com", "private.example.com:8443");
        assertThat(config.hostsFiles().get("docker.io"))
                .contains("server = \"https://registry-1.docker.io\"")
                .contains("[host.\"http://127.0.0.1:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n\n[host.\"https://mirror.example.com\"]")
                .contains("  skip_verify = true\n  ca = \"/etc/ca.pem\"");
        assertThat(config.hostsFiles().get("_default")).doesNotContain("server =").contains("[host.\"https://everything.example.com\"]");
        assertThat(config.hostsFiles().get("private.example.com:8443"))
                .contains("server = \"https://private.example.com:8443\"").contains("client = [[\"/c.pem\", \"/k.pem\"]]");
        String cri = config.criToml("plugins.\"io.containerd.grpc.v1.cri\"", Path.of("/x/certs.d"));
        assertThat(cri).contains("[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/x/certs.d\"")
                .contains("[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"mirror.example.com\".auth]\n  username = \"u\"\n"
                        + "  password = \"p\\\"q\"");
    }

    @Test
    void aMissingFileIsNothingAndABadOneSaysWhy() throws Exception {
        assertThat(RegistryConfig.read(directory.resolve("absent.yaml"))).isEqualTo(RegistryConfig.NONE);
        Path bad = directory.resolve("bad.yaml");
        Files.writeString(bad, "mirrors:\n  docker.io:\n    endpoint: [\"ftp://x\"]\n");
        assertThatThrownBy(() -> RegistryConfig.read(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining("ftp://x");
        Files.writeString(bad, "mirrors:\n  \"../etc\":\n    endpoint: [\"https://x\"]\n");
        assertThatThrownBy(() -> RegistryConfig.read(bad)).hasMessageContaining("is not a registry host");
    }
}
