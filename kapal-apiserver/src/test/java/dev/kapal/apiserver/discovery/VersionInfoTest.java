package dev.kapal.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class VersionInfoTest {
    @Test
    void kapalClaimsKubernetes133() {
        VersionInfo info = VersionInfo.kapal("abc", Instant.parse("2025-09-10T12:00:00.123456Z"));
        assertThat(info.major()).isEqualTo("1");
        assertThat(info.minor()).isEqualTo("33");
        assertThat(info.emulationMinor()).isEqualTo("33");
        assertThat(info.minCompatibilityMinor()).isEqualTo("32");
        assertThat(info.gitVersion()).isEqualTo("v1.33.5+kapal").startsWith("v" + info.major() + "." + info.minor() + ".");
        assertThat(info.buildDate()).isEqualTo("2025-09-10T12:00:00Z");
        assertThat(info.gitTreeState()).isEqualTo("clean");
        assertThat(info.compiler()).isEqualTo("gc");
        assertThat(info.goVersion()).matches("go1\\.\\d+\\.\\d+");
        assertThat(info.platform()).matches("[a-z]+/[a-z0-9]+");
    }

    @Test
    void platformUsesGoNames() {
        assertThat(VersionInfo.platform("Linux", "amd64")).isEqualTo("linux/amd64");
        assertThat(VersionInfo.platform("Linux", "x86_64")).isEqualTo("linux/amd64");
        assertThat(VersionInfo.platform("Linux", "aarch64")).isEqualTo("linux/arm64");
        assertThat(VersionInfo.platform("Mac OS X", "aarch64")).isEqualTo("darwin/arm64");
        assertThat(VersionInfo.platform("Windows 11", "amd64")).isEqualTo("windows/amd64");
    }
}
