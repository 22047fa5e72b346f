package dev.kapal.kubelet.runtime.containerd;

import dev.kapal.kubelet.runtime.oci.BusyboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The host software a containerd node needs, as Debian packages: {@code containerd} (with
 * {@code ctr}), {@code runc}, {@code containernetworking-plugins} and {@code busybox-static}
 * (the sandbox image is built from it). {@link #ensureInstalled} installs what is missing when
 * running as root, saying so, and otherwise fails with the one command that would fix it.
 *
 * @param searchPath  directories searched for executables (the {@code PATH})
 * @param cniBinDir   where CNI plugins must be
 * @param busybox     where the static busybox must be
 */
public record RuntimePackages(List<Path> searchPath, Path cniBinDir, Path busybox) {

    /** A package and the check that tells it is present. */
    private record Requirement(String debianPackage, Predicate<RuntimePackages> present) {
    }

    private static final List<Requirement> REQUIREMENTS = List.of(
            new Requirement("containerd", p -> p.executable("containerd").isPresent() && p.executable("ctr").isPresent()),
            new Requirement("runc", p -> p.executable("runc").isPresent()),
            new Requirement("containernetworking-plugins", p -> List.of("bridge", "host-local", "portmap", "loopback")
                    .stream().allMatch(plugin -> Files.isExecutable(p.cniBinDir.resolve(plugin)))),
            new Requirement("busybox-static", p -> BusyboxImage.isStaticExecutable(p.busybox)));

    public RuntimePackages {
        searchPath = List.copyOf(searchPath);
        Objects.requireNonNull(cniBinDir, "cniBinDir");
        Objects.requireNonNull(busybox, "busybox");
    }

    /** The host as it is: this process's PATH (plus the sbin directories), Debian's locations. */
    public static RuntimePackages host() {
        Set<Path> path = new LinkedHashSet<>();
        String environmentPath = System.getenv().getOrDefault("PATH", "");
        for (String entry : environmentPath.split(":")) {
            if (!entry.isEmpty()) {
                path.add(Path.of(entry));
            }
        }
        for (String entry : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            path.add(Path.of(entry));
        }
        return new RuntimePackages(List.copyOf(path), ContainerdSettings.DEBIAN_CNI_BIN_DIR, BusyboxImage.HOST_BUSYBOX);
    }

    /** The packages whose files are missing, in install order. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (Requirement requirement : REQUIREMENTS) {
            if (!requirement.present().test(this)) {
                missing.add(requirement.debianPackage());
            }
        }
        return missing;
    }

    /** The command that installs {@code packages}. */
    public static String installCommand(List<String> packages) {
        return "apt-get install -y " + String.join(" ", packages);
    }

    /**
     * Makes sure every package is present: nothing to do, or (as root) {@code apt-get install}
     * after telling {@code say}, or an {@link IllegalStateException} whose message is the command
     * to run.
     */
    public void ensureInstalled(boolean root, Consumer<String> say) {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        String command = installCommand(missing);
        if (!root) {
            throw new IllegalStateException("the node agent needs " + String.join(", ", missing)
                    + "; install with: sudo " + command);
        }
        say.accept("installing " + String.join(" ", missing) + " for the node agent: " + command);
        if (!aptGet(missing, false, say)) {
            say.accept("apt-get install failed; refreshing the package lists and retrying");
            if (!aptGet(List.of(), true, say) || !aptGet(missing, false, say)) {
                throw new IllegalStateException("installing " + String.join(" ", missing)
                        + " failed; run as root: " + command);
            }
        }
        List<String> still = missing();
        if (!still.isEmpty()) {
            throw new IllegalStateException("still missing after installing: " + String.join(", ", still));
        }
    }

    /** Whether this process runs as uid 0. */
    public static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    java.util.Optional<Path> executable(String name) {
        return searchPath.stream().map(directory -> directory.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    private static boolean aptGet(List<String> packages, boolean update, Consumer<String> say) {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        if (update) {
            command.add("update");
        } else {
            command.addAll(List.of("install", "-y", "--no-install-recommends"));
            command.addAll(packages);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = process.waitFor(15, TimeUnit.MINUTES);
            if (!done) {
                process.destroyForcibly();
                return false;
            }
            if (process.exitValue() != 0) {
                List<String> lines = output.lines().toList();
                say.accept(String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted installing packages", e);
        }
    }
}
