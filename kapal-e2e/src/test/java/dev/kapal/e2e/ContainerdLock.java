package dev.kapal.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The machine-wide lock that tests starting containerd take ({@code flock /tmp/kapal-containerd.lock}),
 * so two of them never share {@code /run/containerd/s}, the host network or bridge names. Held by a
 * {@code flock … cat} child until {@link #close()} (or this JVM's end closes its stdin). When a
 * process this JVM descends from already holds it (the tests were started under {@code flock}),
 * nothing is taken. Java's own file locks are POSIX record locks, which {@code flock(1)} does not
 * see, hence the child.
 */
final class ContainerdLock implements AutoCloseable {
    static final Path FILE = Path.of("/tmp/kapal-containerd.lock");
    private final Process holder;

    private ContainerdLock(Process holder) {
        this.holder = holder;
    }

    static ContainerdLock acquire() throws IOException, InterruptedException {
        if (!Files.exists(FILE)) {
            Files.createFile(FILE);
        }
        if (heldByAncestor()) {
            return new ContainerdLock(null);
        }
        Process holder = new ProcessBuilder("flock", "-w", "1800", FILE.toString(), "sh", "-c", "echo locked; exec cat")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            holder.destroyForcibly();
            throw new IllegalStateException("could not take " + FILE + " within 30 minutes");
        }
        return new ContainerdLock(holder);
    }

    /** Whether a FLOCK on the lock file in /proc/locks belongs to one of this process's ancestors. */
    private static boolean heldByAncestor() throws IOException {
        Object inode = Files.getAttribute(FILE, "unix:ino");
        Set<Long> holders = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] fields = line.trim().split("\\s+");
            // "1: FLOCK  ADVISORY  WRITE 18783 00:1f:12345 0 EOF"
            if (fields.length > 5 && fields[1].equals("FLOCK") && fields[5].endsWith(":" + inode)) {
                holders.add(Long.parseLong(fields[4]));
            }
        }
        for (ProcessHandle process = ProcessHandle.current(); process != null; process = process.parent().orElse(null)) {
            if (holders.contains(process.pid())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        if (holder != null) {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }
}
