package dev.kapal.kubelet.runtime;

import java.util.List;

/**
 * {@link NodeRuntime#execSync} gave up: the command did not finish within its timeout. The
 * message is the kubelet's ({@code command "sh -c sleep 10" timed out}), which an exec probe
 * reports as its failure output.
 */
public final class ExecTimeout extends RuntimeException {
    public ExecTimeout(List<String> command) {
        super("command \"" + String.join(" ", command) + "\" timed out");
    }
}
