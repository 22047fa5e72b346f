package dev.kapal.kubelet.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.runtime.cri.CriClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restarted Kapal finds: the containerd it left behind, adopted rather than started twice. */
class ManagedContainerdTest {
    @TempDir
    Path dataDirectory;

    @Test
    void aContainerdLeftRunningIsAdoptedAndStoppedOnClose() throws Exception {
        RuntimePackages packages = RuntimePackages.host();
        packages.ensureInstalled(RuntimePackages.runningAsRoot(), System.out::println);
        ManagedContainerd.Options options = ManagedContainerd.Options.forAgentDirectory(dataDirectory.resolve("agent"), packages);

        ManagedContainerd first = ManagedContainerd.start(options);
        long pid = first.pid().orElseThrow();
        assertThat(first.launches()).isEqualTo(1);
        assertThat(Files.readString(options.settings().pidFile())).isEqualTo(Long.toString(pid));
        first.abandon();

        ManagedContainerd second = ManagedContainerd.start(options);
        try {
            assertThat(second.pid()).contains(pid);
            assertThat(second.launches()).as("adopted, not launched").isZero();
            try (CriClient client = CriClient.connect(second.socket())) {
                assertThat(client.version(Duration.ofSeconds(5)).getRuntimeName()).isEqualTo("containerd");
            }
        } finally {
            second.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(options.settings().pidFile()).doesNotExist();
    }
}
