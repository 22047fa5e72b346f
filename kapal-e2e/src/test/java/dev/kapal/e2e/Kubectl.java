package dev.kapal.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs a real kubectl binary of one minor version against a kubeconfig. */
record Kubectl(String version, Path binary, Path kubeconfig) {
    /** The versions the e2e tests drive; the dispatcher's siblings hold one binary per minor. */
    static final List<String> VERSIONS = List.of("1.27", "1.30", "1.33");

    static Kubectl of(String version, Path kubeconfig) {
        try {
            Path directory = Path.of("/usr/bin/kubectl").toRealPath().getParent();
            Path binary = directory.resolve("kubectl." + version);
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("no kubectl " + version + " at " + binary);
            }
            return new Kubectl(version, binary, kubeconfig);
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is not installed", e);
        }
    }

    /** What one kubectl run printed and how it exited. */
    record Result(int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... arguments) {
        return runWithInput(null, arguments);
    }

    /** Runs kubectl with {@code stdin} (may be null) and waits up to 60 s. */
    Result runWithInput(String stdin, String... arguments) {
        return runWith(stdin, java.util.Map.of(), arguments);
    }

    /** Runs kubectl with extra environment variables ({@code KUBE_EDITOR} for {@code edit}). */
    Result runWithEnvironment(java.util.Map<String, String> environment, String... arguments) {
        return runWith(null, environment, arguments);
    }

    private Result runWith(String stdin, java.util.Map<String, String> environment, String... arguments) {
        try {
            Process process = start(environment, arguments);
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            var out = readAsync(process.getInputStream());
            var err = readAsync(process.getErrorStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl " + String.join(" ", arguments) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), out.get(), err.get());
        } catch (Exception e) {
            throw new IllegalStateException("kubectl " + String.join(" ", arguments), e);
        }
    }

    /**
     * Runs kubectl every 250 ms until it succeeds with output that satisfies {@code check};
     * answers that output, or fails with the last result after {@code timeout}.
     */
    String awaitOutput(Duration timeout, Predicate<String> check, String... arguments) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Result last = null;
        while (System.nanoTime() < deadline) {
            last = run(arguments);
            if (last.ok() && check.test(last.out())) {
                return last.out();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("kubectl " + String.join(" ", arguments) + " never satisfied the check within " + timeout
                + "; last: " + last);
    }

    /** Starts kubectl and leaves it running (for {@code get -w}). */
    Process start(String... arguments) throws IOException {
        return start(java.util.Map.of(), arguments);
    }

    private Process start(java.util.Map<String, String> environment, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", kubeconfig.getParent().toString());
        builder.environment().remove("KUBECONFIG");
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static java.util.concurrent.CompletableFuture<String> readAsync(java.io.InputStream stream) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        });
    }
}
