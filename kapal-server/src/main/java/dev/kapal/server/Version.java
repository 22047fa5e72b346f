package dev.kapal.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Kapal's version (from the build's version.properties) and the Kubernetes version it implements. */
public final class Version {
    private static final Properties PROPERTIES = load();

    private Version() {
    }

    /** Kapal's version with a leading {@code v}, as k3s prints it. */
    public static String kapal() {
        return "v" + PROPERTIES.getProperty("kapal.version");
    }

    /** The Kubernetes version whose API Kapal serves ({@code v1.33.x}): the one {@code /version} reports. */
    public static String kubernetes() {
        return dev.kapal.apiserver.discovery.VersionInfo.KUBERNETES_VERSION;
    }

    /** What {@code kapal --version} prints. */
    public static String line() {
        return "kapal version " + kapal() + " (Kubernetes " + kubernetes() + ")";
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the build");
            }
            properties.load(in);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
        return properties;
    }

    /** Lets picocli's {@code --version} print {@link #line()}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }
    }
}
