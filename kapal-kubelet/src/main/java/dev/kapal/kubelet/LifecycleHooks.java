package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.NodeRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a container's {@code postStart} or {@code preStop} handler as upstream's handler runner:
 * {@code exec} through the runtime's {@code ExecSync} (with {@code $(VAR)} of literal env values
 * expanded), {@code httpGet} against the pod IP (a status of 400 or more fails), {@code sleep}
 * for its seconds. The answer is empty on success, else upstream's event message.
 */
final class LifecycleHooks {
    private LifecycleHooks() {
    }

    /**
     * @param pod     upstream's pod format, {@code name_namespace(uid)}
     * @param timeout how long the handler may take (the grace period for preStop)
     */
    static Optional<String> run(NodeRuntime runtime, LifecycleHandler handler, Container container, String containerId, String podIp,
                                String pod, Duration timeout) {
        if (handler.getExec() != null) {
            var command = ProbeRunner.expand(handler.getExec().getCommand(), container.getEnv());
            ProbeRunner.Outcome outcome = ProbeRunner.exec(runtime, containerId, command, timeout);
            if (outcome.result() == ProbeRunner.Result.SUCCESS) {
                return Optional.empty();
            }
            String error = outcome.errored() ? outcome.error()
                    : "command '" + String.join(" ", command) + "' exited with " + outcome.exitCode().map(String::valueOf).orElse("?") + ": ";
            return Optional.of("Exec lifecycle hook (" + goList(command) + ") for Container \"" + container.getName() + "\" in Pod \""
                    + pod + "\" failed - error: " + error + ", message: \"" + outcome.output() + "\"");
        }
        if (handler.getHttpGet() != null) {
            ProbeRunner.Outcome outcome = ProbeRunner.httpGet(handler.getHttpGet(), container, podIp, timeout);
            if (outcome.result() == ProbeRunner.Result.SUCCESS || outcome.result() == ProbeRunner.Result.WARNING) {
                return Optional.empty();
            }
            String path = handler.getHttpGet().getPath() == null ? "" : handler.getHttpGet().getPath();
            return Optional.of("HTTP lifecycle hook (" + path + ") for Container \"" + container.getName() + "\" in Pod \"" + pod
                    + "\" failed - error: " + (outcome.errored() ? outcome.error() : outcome.output()));
        }
        if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
            Duration sleep = Duration.ofSeconds(Math.max(0, handler.getSleep().getSeconds()));
            try {
                Thread.sleep(sleep.compareTo(timeout) < 0 ? sleep : timeout);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
        return Optional.of("Lifecycle hook for Container \"" + container.getName() + "\" in Pod \"" + pod
                + "\" failed - error: invalid handler");
    }

    private static String goList(java.util.List<String> command) {
        return "[" + String.join(" ", command) + "]";
    }
}
