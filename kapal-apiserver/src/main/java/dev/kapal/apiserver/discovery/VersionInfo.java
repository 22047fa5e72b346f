package dev.kapal.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code /version} answers, field for field as upstream's {@code version.Info}.
 *
 * <p>kubectl on our machines picks its binary by {@link #minor()}, and {@code kubectl version}
 * warns about skew by parsing {@link #gitVersion()} as semver, so both must say 1.33. The
 * {@code +kapal} suffix is semver build metadata (as k3s's {@code +k3s1}), which every client
 * ignores when comparing versions.
 */
public record VersionInfo(
        String major,
        String minor,
        String emulationMajor,
        String emulationMinor,
        String minCompatibilityMajor,
        String minCompatibilityMinor,
        String gitVersion,
        String gitCommit,
        String gitTreeState,
        String buildDate,
        String goVersion,
        String compiler,
        String platform) {

    /** The Kubernetes release we claim to be; the one place to bump the patch level. */
    public static final String KUBERNETES_VERSION = "v1.33.5";

    /** The {@code gitVersion} we report. */
    public static final String GIT_VERSION = KUBERNETES_VERSION + "+kapal";

    /**
     * Upstream reports the Go toolchain that built the binary. We are not built by Go, but some
     * tools parse this field as {@code go<semver>}, so we report the toolchain upstream used for
     * this release rather than a Java version string that would not parse.
     */
    public static final String GO_VERSION = "go1.24.6";

    /** Used when the build did not stamp a commit. */
    public static final String UNKNOWN_COMMIT = "0000000000000000000000000000000000000000";

    public VersionInfo {
        Objects.requireNonNull(major, "major");
        Objects.requireNonNull(minor, "minor");
        Objects.requireNonNull(emulationMajor, "emulationMajor");
        Objects.requireNonNull(emulationMinor, "emulationMinor");
        Objects.requireNonNull(minCompatibilityMajor, "minCompatibilityMajor");
        Objects.requireNonNull(minCompatibilityMinor, "minCompatibilityMinor");
        Objects.requireNonNull(gitVersion, "gitVersion");
        Objects.requireNonNull(gitCommit, "gitCommit");
        Objects.requireNonNull(gitTreeState, "gitTreeState");
        Objects.requireNonNull(buildDate, "buildDate");
        Objects.requireNonNull(goVersion, "goVersion");
        Objects.requireNonNull(compiler, "compiler");
        Objects.requireNonNull(platform, "platform");
    }

    /**
     * Kapal's version for a given commit and build time, on the platform this JVM runs on. The
     * minimum compatibility version is one minor below, as upstream's binaries declare.
     */
    public static VersionInfo kapal(String gitCommit, Instant buildDate) {
        GitVersion parsed = GitVersion.parse(KUBERNETES_VERSION);
        return new VersionInfo(
                parsed.major(), parsed.minor(),
                parsed.major(), parsed.minor(),
                parsed.major(), Integer.toString(Integer.parseInt(parsed.minor()) - 1),
                GIT_VERSION,
                gitCommit,
                "clean",
                DateTimeFormatter.ISO_INSTANT.format(buildDate.truncatedTo(ChronoUnit.SECONDS)),
                GO_VERSION,
                "gc",
                platform(System.getProperty("os.name", "linux"), System.getProperty("os.arch", "amd64")));
    }

    /** Go's {@code GOOS/GOARCH} naming for a JVM's {@code os.name} and {@code os.arch}. */
    public static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String goos = os.startsWith("linux") ? "linux"
                : os.startsWith("mac") || os.startsWith("darwin") ? "darwin"
                : os.startsWith("windows") ? "windows"
                : os.replace(' ', '_');
        String goarch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "x86", "i386", "i686" -> "386";
            default -> osArch;
        };
        return goos + "/" + goarch;
    }

    /** The {@code /version} document; field order as upstream serializes it. */
    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("major", major);
        node.put("minor", minor);
        // Upstream omits these when empty; they are never empty for us.
        node.put("emulationMajor", emulationMajor);
        node.put("emulationMinor", emulationMinor);
        node.put("minCompatibilityMajor", minCompatibilityMajor);
        node.put("minCompatibilityMinor", minCompatibilityMinor);
        node.put("gitVersion", gitVersion);
        node.put("gitCommit", gitCommit);
        node.put("gitTreeState", gitTreeState);
        node.put("buildDate", buildDate);
        node.put("goVersion", goVersion);
        node.put("compiler", compiler);
        node.put("platform", platform);
        return node;
    }

    private record GitVersion(String major, String minor) {
        static GitVersion parse(String version) {
            String[] parts = version.substring(1).split("\\.");
            return new GitVersion(parts[0], parts[1]);
        }
    }
}
