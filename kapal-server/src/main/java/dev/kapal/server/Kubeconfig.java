package dev.kapal.server;

import dev.kapal.apiserver.tls.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;

/**
 * The admin kubeconfig, shaped as k3s writes it: cluster, user and context all named
 * {@code default}, credentials embedded so the file works when copied elsewhere.
 */
final class Kubeconfig {
    private Kubeconfig() {
    }

    /**
     * Renders a kubeconfig. The values are base64 or a URL, none needs YAML quoting, so plain
     * text keeps the server free of a YAML library.
     */
    static String render(String serverUrl, String certificateAuthorityPem, String clientCertificatePem,
                         String clientKeyPem) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    certificate-authority-data: %s
                    server: %s
                  name: default
                contexts:
                - context:
                    cluster: default
                    user: default
                  name: default
                current-context: default
                preferences: {}
                users:
                - name: default
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                """.formatted(base64(certificateAuthorityPem), serverUrl, base64(clientCertificatePem),
                base64(clientKeyPem));
    }

    /** Writes atomically with exactly {@code mode}, so kubectl never reads half a file. */
    static void write(Path path, String content, Set<PosixFilePermission> mode) throws IOException {
        AtomicFiles.write(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
