package dev.kapal.kubelet.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What CRI {@code ExecSync} answers: the command's exit code and everything it wrote to stdout
 * and stderr (copies; the arrays are not shared).
 */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr) {
    public ExecResult {
        stdout = stdout.clone();
        stderr = stderr.clone();
    }

    public static ExecResult of(int exitCode, String stdout, String stderr) {
        return new ExecResult(exitCode, stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    /** stdout then stderr as text, as the kubelet's exec probe reports a command's output. */
    public String combinedOutput() {
        return new String(stdout, StandardCharsets.UTF_8) + new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExecResult that && exitCode == that.exitCode
                && Arrays.equals(stdout, that.stdout) && Arrays.equals(stderr, that.stderr);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * exitCode + Arrays.hashCode(stdout)) + Arrays.hashCode(stderr);
    }

    @Override
    public String toString() {
        return "ExecResult[exitCode=" + exitCode + ", output=" + combinedOutput() + "]";
    }
}
