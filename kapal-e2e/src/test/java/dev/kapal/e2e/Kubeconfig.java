package dev.kapal.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of the admin kubeconfig the tests need, read with a regex (it is our own file). */
record Kubeconfig(String server, String caPem, String clientCertificatePem, String clientKeyPem) {

    static Kubeconfig read(Path file) throws IOException {
        String text = Files.readString(file);
        return new Kubeconfig(field(text, "server"), decoded(text, "certificate-authority-data"),
                decoded(text, "client-certificate-data"), decoded(text, "client-key-data"));
    }

    private static String field(String text, String name) {
        Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ":\\s*(\\S+)\\s*$").matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("kubeconfig has no " + name);
        }
        return matcher.group(1);
    }

    private static String decoded(String text, String name) {
        return new String(Base64.getDecoder().decode(field(text, name)), StandardCharsets.US_ASCII);
    }
}
