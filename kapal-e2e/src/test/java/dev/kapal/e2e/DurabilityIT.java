package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What kubectl saw acknowledged survives a kill -9 of the server JVM. */
@Timeout(240)
class DurabilityIT {

    @Test
    void acknowledgedWritesSurviveKillNine() throws Exception {
        try (KapalProcess server = KapalProcess.startFresh()) {
            Kubectl kubectl = Kubectl.of("1.33", server.kubeconfig());
            long started = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                Kubectl.Result created = kubectl.runWithInput("""
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: durable-%02d
                        data:
                          number: "%d"
                        """.formatted(i, i), "create", "-f", "-");
                assertThat(created.ok()).as("create %d: %s", i, created).isTrue();
                assertThat(created.out()).isEqualTo("configmap/durable-%02d created\n".formatted(i));
            }
            System.out.printf("40 kubectl creates: %d ms%n", (System.nanoTime() - started) / 1_000_000);

            long pid = server.handle().pid();
            server.killHard();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            server.start();
            Kubectl.Result listed = kubectl.run("get", "configmaps", "-o", "name", "-l", "!nonexistent");
            assertThat(listed.ok()).as("%s\n%s", listed, server.tail()).isTrue();
            List<String> expected = IntStream.range(0, 40).mapToObj(i -> "configmap/durable-%02d".formatted(i)).toList();
            assertThat(listed.out().lines().filter(line -> line.startsWith("configmap/durable-")).toList())
                    .containsExactlyElementsOf(expected);
            assertThat(kubectl.run("get", "configmap", "durable-39", "-o", "jsonpath={.data.number}").out()).isEqualTo("39");

            // Writes keep working after recovery, with resource versions above the old ones.
            Kubectl.Result after = kubectl.run("create", "namespace", "after-restart");
            assertThat(after.ok()).as("%s", after).isTrue();
        }
    }
}
