package dev.kapal.kubelet.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimePackagesTest {
    @TempDir
    Path directory;

    @Test
    void emptyHostMissesEveryPackageAndANonRootAgentStopsWithTheCommand() {
        RuntimePackages packages = new RuntimePackages(List.of(directory.resolve("bin")), directory.resolve("cni"),
                directory.resolve("busybox"));

        assertThat(packages.missing())
                .containsExactly("containerd", "runc", "containernetworking-plugins", "busybox-static");
        List<String> said = new ArrayList<>();
        assertThatThrownBy(() -> packages.ensureInstalled(false, said::add))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("install with: sudo apt-get install -y containerd runc containernetworking-plugins busybox-static");
        assertThat(said).as("nothing installed, nothing said").isEmpty();
    }

    @Test
    void onlyWhatIsMissingIsNamed() throws Exception {
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path cni = Files.createDirectories(directory.resolve("cni"));
        for (Path executable : List.of(bin.resolve("containerd"), bin.resolve("ctr"), cni.resolve("bridge"),
                cni.resolve("host-local"), cni.resolve("portmap"), cni.resolve("loopback"))) {
            Files.createFile(executable, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        RuntimePackages packages = new RuntimePackages(List.of(bin), cni, directory.resolve("busybox"));

        assertThat(packages.missing()).containsExactly("runc", "busybox-static");
        assertThat(packages.executable("ctr")).contains(bin.resolve("ctr"));
    }

    @Test
    void completeHostNeedsNothing() {
        RuntimePackages host = RuntimePackages.host();
        org.junit.jupiter.api.Assumptions.assumeTrue(host.missing().isEmpty(), "host packages not installed");
        List<String> said = new ArrayList<>();

        host.ensureInstalled(false, said::add);

        assertThat(said).isEmpty();
    }
}
