package dev.kapal.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapal.kubelet.runtime.RegistryAuth;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The credentials a pod's {@code imagePullSecrets} give for one image, as the kubelet's docker
 * keyring finds them: Secrets of type {@code kubernetes.io/dockerconfigjson}
 * ({@code .dockerconfigjson}, entries under {@code auths}) or {@code kubernetes.io/dockercfg}
 * ({@code .dockercfg}); each entry's key names a registry ({@code host[:port][/path]}, with or
 * without a scheme; {@code *} wildcards within a host label; Docker Hub's
 * {@code https://index.docker.io/v1/} stands for {@code docker.io}). An entry applies to an image
 * when the hosts match label by label, the ports are equal and the key's path is a prefix of the
 * image's repository. More specific keys come first; the kubelet tries them in that order.
 */
final class PullSecrets {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_HUB = "docker.io";

    private PullSecrets() {
    }

    /** An image's registry (host[:port], Docker Hub as {@code docker.io}) and repository path. */
    record Reference(String host, String path) {
        static Reference of(String image) {
            String name = image;
            int digest = name.indexOf('@');
            if (digest >= 0) {
                name = name.substring(0, digest);
            }
            int slash = name.indexOf('/');
            String first = slash < 0 ? "" : name.substring(0, slash);
            if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
                String path = name.substring(slash + 1);
                return new Reference(hub(first.toLowerCase(Locale.ROOT)), stripTag(path));
            }
            String path = stripTag(name);
            return new Reference(DOCKER_HUB, path.contains("/") ? path : "library/" + path);
        }

        private static String stripTag(String path) {
            int colon = path.lastIndexOf(':');
            return colon > path.lastIndexOf('/') ? path.substring(0, colon) : path;
        }
    }

    private record Entry(String hostPattern, String path, RegistryAuth auth) {
    }

    /** The credentials for {@code image} in {@code secrets}, most specific first, without repeats. */
    static List<RegistryAuth> forImage(String image, List<Secret> secrets) {
        Reference reference = Reference.of(image);
        List<Entry> matching = new ArrayList<>();
        for (Secret secret : secrets) {
            for (Entry entry : entries(secret)) {
                if (matches(entry, reference)) {
                    matching.add(entry);
                }
            }
        }
        matching.sort(Comparator.comparingInt((Entry entry) -> entry.hostPattern().length() + entry.path().length()).reversed());
        LinkedHashSet<RegistryAuth> ordered = new LinkedHashSet<>();
        matching.forEach(entry -> ordered.add(entry.auth()));
        return List.copyOf(ordered);
    }

    private static List<Entry> entries(Secret secret) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        JsonNode auths;
        try {
            if (data.containsKey(".dockerconfigjson")) {
                auths = JSON.readTree(Base64.getDecoder().decode(data.get(".dockerconfigjson"))).path("auths");
            } else if (data.containsKey(".dockercfg")) {
                auths = JSON.readTree(Base64.getDecoder().decode(data.get(".dockercfg")));
            } else {
                return List.of();
            }
        } catch (IOException | IllegalArgumentException unreadable) {
            return List.of();  // the kubelet skips a secret it cannot read
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            String username = value.path("username").asText("");
            String password = value.path("password").asText("");
            String auth = value.path("auth").asText("");
            if (username.isEmpty() && !auth.isEmpty()) {
                decode(auth).ifPresent(pair -> {
                    int colon = pair.indexOf(':');
                    entries.add(entry(field.getKey(), new RegistryAuth(pair.substring(0, Math.max(colon, 0)),
                            colon < 0 ? "" : pair.substring(colon + 1), "", value.path("identitytoken").asText(""))));
                });
                continue;
            }
            entries.add(entry(field.getKey(), new RegistryAuth(username, password, "", value.path("identitytoken").asText(""))));
        }
        return entries;
    }

    private static Optional<String> decode(String auth) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private static Entry entry(String key, RegistryAuth auth) {
        String rest = key.trim();
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            rest = rest.substring(scheme + 3);
        }
        int slash = rest.indexOf('/');
        String host = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        // Docker's legacy keys name the API version, not a repository.
        if (path.equals("v1") || path.equals("v1/") || path.equals("v2") || path.equals("v2/")) {
            path = "";
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Entry(hub(host), path, auth);
    }

    private static String hub(String host) {
        return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? DOCKER_HUB : host;
    }

    private static boolean matches(Entry entry, Reference reference) {
        String[] patternHostPort = entry.hostPattern().split(":", 2);
        String[] hostPort = reference.host().split(":", 2);
        String patternPort = patternHostPort.length > 1 ? patternHostPort[1] : "";
        String port = hostPort.length > 1 ? hostPort[1] : "";
        if (!patternPort.equals(port)) {
            return false;
        }
        String[] patternLabels = patternHostPort[0].split("\\.");
        String[] labels = hostPort[0].split("\\.");
        if (patternLabels.length != labels.length) {
            return false;
        }
        for (int i = 0; i < labels.length; i++) {
            String glob = Pattern.quote(patternLabels[i]).replace("*", "\\E[^.]*\\Q");
            if (!labels[i].matches(glob)) {
                return false;
            }
        }
        return entry.path().isEmpty() || reference.path().equals(entry.path()) || reference.path().startsWith(entry.path() + "/");
    }
}
