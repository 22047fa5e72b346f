package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGTERM stops the server cleanly: exit code 0 within seconds, open watches end. */
@Timeout(120)
class ShutdownIT {

    @Test
    void sigtermExitsZeroAndEndsOpenWatches() throws Exception {
        try (KapalProcess server = KapalProcess.startFresh()) {
            Kubectl kubectl = Kubectl.of("1.33", server.kubeconfig());
            assertThat(kubectl.run("create", "configmap", "before-shutdown", "--from-literal=a=b", "--save-config=false",
                    "-o", "name").exitCode()).isIn(0, 1);
            Process watch = kubectl.start("get", "configmaps", "-w");
            Thread.sleep(1_500);
            assertThat(watch.isAlive()).as("kubectl get -w is watching").isTrue();

            long started = System.nanoTime();
            OptionalInt exit = server.terminate(Duration.ofSeconds(10));
            long stopMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("SIGTERM to exit: %d ms%n", stopMillis);
            assertThat(exit).as("exit code after SIGTERM; log:\n%s", server.tail()).hasValue(0);

            boolean watchEnded = watch.waitFor(15, TimeUnit.SECONDS);
            String err = watchEnded ? new String(watch.getErrorStream().readAllBytes(), StandardCharsets.UTF_8) : "";
            if (!watchEnded) {
                watch.destroyForcibly();
            }
            assertThat(watchEnded).as("kubectl get -w ended after the server stopped").isTrue();
            assertThat(watch.exitValue()).as("kubectl get -w exit code; stderr: %s", err).isEqualTo(0);
        }
    }
}
