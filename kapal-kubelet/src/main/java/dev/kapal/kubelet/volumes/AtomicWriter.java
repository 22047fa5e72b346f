package dev.kapal.kubelet.volumes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a set of files into a volume directory so that a reader never sees a mix of old and
 * new contents, in the layout upstream's kubelet uses for configMap, secret, downwardAPI and
 * projected volumes (so programs that watch those files behave as on Kubernetes):
 * <pre>
 *   ..2026_11_22_13_40_01.123456789/   the files of one version, with their modes
 *   ..data -> ..2026_11_22_13_40_01.123456789
 *   game.properties -> ..data/game.properties
 * </pre>
 * A new version is written to a fresh timestamped directory; then a {@code ..data_tmp} symlink to
 * it is renamed over {@code ..data} (one atomic rename), the user-visible names are linked
 * through {@code ..data}, names no longer in the payload are removed, and the old version is
 * deleted. Writing the same payload again changes nothing.
 */
public final class AtomicWriter {
    static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.").withZone(ZoneOffset.UTC);

    /** One file of the payload: its bytes and its permission bits (e.g. {@code 0644}). */
    public record FileContent(byte[] data, int mode) {
        public FileContent {
            Objects.requireNonNull(data, "data");
            if (mode < 0 || mode > 0777) {
                throw new IllegalArgumentException("mode must be 0-0777: " + Integer.toOctalString(mode));
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FileContent that && mode == that.mode && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(data) + mode;
        }
    }

    private final Path directory;
    private final Clock clock;

    public AtomicWriter(Path directory, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Makes the directory hold exactly {@code payload} (relative paths, possibly nested, without
     * {@code ..} elements or a leading {@code ..}); answers whether anything changed.
     */
    public boolean write(Map<String, FileContent> payload) {
        Map<String, FileContent> files = new TreeMap<>(payload);
        files.keySet().forEach(AtomicWriter::checkPath);
        try {
            Files.createDirectories(directory);
            Path data = directory.resolve(DATA);
            Path oldVersion = Files.isSymbolicLink(data) ? directory.resolve(Files.readSymbolicLink(data)) : null;
            if (oldVersion != null && Files.isDirectory(oldVersion) && sameContent(oldVersion, files)) {
                linkVisibleNames(files);
                return false;
            }
            Path version = newVersionDirectory();
            for (Map.Entry<String, FileContent> file : files.entrySet()) {
                Path target = version.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue().data());
                Files.setPosixFilePermissions(target, permissions(file.getValue().mode()));
            }
            Path tmp = directory.resolve(DATA_TMP);
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, version.getFileName());
            Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            linkVisibleNames(files);
            if (oldVersion != null && !oldVersion.equals(version)) {
                deleteTree(oldVersion);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("writing volume " + directory + ": " + e.getMessage(), e);
        }
    }

    private Path newVersionDirectory() throws IOException {
        while (true) {
            Path candidate = directory.resolve(VERSION.format(clock.instant()) + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000));
            try {
                Files.createDirectory(candidate);
                Files.setPosixFilePermissions(candidate, permissions(0755));
                return candidate;
            } catch (FileAlreadyExistsException taken) {
                // another name
            }
        }
    }

    /** Top-level names link through {@code ..data}; names of an earlier payload are removed. */
    private void linkVisibleNames(Map<String, FileContent> files) throws IOException {
        Set<String> visible = new HashSet<>();
        for (String path : files.keySet()) {
            visible.add(Path.of(path).getName(0).toString());
        }
        for (String name : visible) {
            Path link = directory.resolve(name);
            Path target = Path.of(DATA).resolve(name);
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                continue;
            }
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith("..") && !visible.contains(name) && Files.isSymbolicLink(entry)) {
                    Files.delete(entry);
                }
            }
        }
    }

    private static boolean sameContent(Path version, Map<String, FileContent> files) throws IOException {
        Set<String> present = new HashSet<>();
        try (Stream<Path> walk = Files.walk(version)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                present.add(version.relativize(file).toString());
            }
        }
        if (!present.equals(files.keySet())) {
            return false;
        }
        for (Map.Entry<String, FileContent> file : files.entrySet()) {
            Path path = version.resolve(file.getKey());
            if (!Arrays.equals(Files.readAllBytes(path), file.getValue().data())
                    || !Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(permissions(file.getValue().mode()))) {
                return false;
            }
        }
        return true;
    }

    /** Refuses absolute paths, {@code ..} elements and names starting with {@code ..}, as upstream. */
    public static void checkPath(String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("invalid path: must not be empty");
        }
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("invalid path: must be relative path: " + path);
        }
        for (String element : path.split("/")) {
            if (element.equals("..")) {
                throw new IllegalArgumentException("invalid path: must not contain '..': " + path);
            }
        }
        if (path.startsWith("..")) {
            throw new IllegalArgumentException("invalid path: must not start with '..': " + path);
        }
    }

    /** Permission bits ({@code 0644}) as a set. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        return permissions;
    }

    /** Deletes a directory tree without following symbolic links. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
