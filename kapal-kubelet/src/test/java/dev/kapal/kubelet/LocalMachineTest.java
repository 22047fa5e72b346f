package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalMachineTest {

    @Test
    void parsesMeminfoAndOsRelease() {
        assertThat(LocalMachine.memTotal("MemTotal:       24564320 kB\nMemFree: 1 kB\n")).contains(24564320L * 1024);
        assertThat(LocalMachine.prettyName("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"))
                .contains("Debian GNU/Linux 12 (bookworm)");
        assertThat(LocalMachine.goArchitecture("x86_64")).isEqualTo("amd64");
        assertThat(LocalMachine.goArchitecture("aarch64")).isEqualTo("arm64");
    }

    @Test
    void allocatableIsCapacityLessTheDefaultHardEvictionThresholds() {
        LocalMachine machine = new LocalMachine(2, 4L << 30, 100L << 30, "m", "", "b", "6.1.0", "Debian", "amd64");
        assertThat(machine.capacity()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("4194304Ki"))
                .containsEntry("pods", new Quantity("110")).containsEntry("ephemeral-storage", new Quantity("104857600Ki"));
        assertThat(machine.allocatable()).containsEntry("memory", new Quantity((4194304 - 102400) + "Ki"))
                .containsEntry("ephemeral-storage", new Quantity(Long.toString((100L << 30) - (100L << 30) / 10)));
        NodeConfig node = machine.nodeConfig("box", "10.0.0.5", "box.local", "v1.33.5+kapal", true);
        assertThat(node.labels()).containsEntry("node-role.kubernetes.io/control-plane", "true")
                .containsEntry("node-role.kubernetes.io/master", "true").containsEntry("kubernetes.io/hostname", "box");
        assertThat(node.hostIps()).containsExactly("10.0.0.5");
    }

    @Test
    void detectsThisMachine() {
        LocalMachine machine = LocalMachine.detect(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(machine.processors()).isPositive();
        assertThat(machine.memoryBytes()).isPositive();
        assertThat(machine.filesystemBytes()).isPositive();
        assertThat(machine.kernelVersion()).isNotEmpty();
    }
}
