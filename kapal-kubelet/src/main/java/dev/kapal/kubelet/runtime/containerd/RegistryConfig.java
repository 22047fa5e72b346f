package dev.kapal.kubelet.runtime.containerd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's {@code registries.yaml} in k3s' format, turned into containerd's registry
 * configuration:
 * <pre>
 * mirrors:
 *   docker.io:                       # a registry name, or "*" for every registry
 *     endpoint: ["http://127.0.0.1:5000", "https://mirror.example.com"]
 * configs:
 *   "127.0.0.1:5000":                # a registry or endpoint host
 *     auth: {username: u, password: p}      # or auth (base64 user:pass), identitytoken
 *     tls: {ca_file: ..., cert_file: ..., key_file: ..., insecure_skip_verify: true}
 * </pre>
 * Mirrors and TLS settings become one {@code hosts.toml} per registry under containerd's
 * {@code config_path} ({@link #hostsFiles()}): the endpoints are tried in order (plain
 * {@code http://} ones included) before the registry itself; credentials go into the CRI plugin's
 * {@code registry.configs."host".auth}, which containerd uses for that host when the kubelet sends
 * none (an {@code imagePullSecret} wins). Changes apply when containerd is (re)started, as in k3s.
 */
public record RegistryConfig(Map<String, List<String>> mirrors, Map<String, Host> configs) {
    /** Nothing configured: pulls go to each image's own registry over HTTPS. */
    public static final RegistryConfig NONE = new RegistryConfig(Map.of(), Map.of());

    public RegistryConfig {
        mirrors = Map.copyOf(mirrors);
        configs = Map.copyOf(configs);
    }

    /** Credentials for a registry host; empty strings when not given. */
    public record Auth(String username, String password, String auth, String identityToken) {
    }

    /** TLS towards a registry host; empty paths when not given. */
    public record Tls(String caFile, String certFile, String keyFile, boolean insecureSkipVerify) {
    }

    public record Host(Optional<Auth> auth, Optional<Tls> tls) {
    }

    /**
     * Reads {@code file}; a missing file is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the file and the problem when it is not valid
     */
    public static RegistryConfig read(Path file) {
        if (!Files.exists(file)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException unreadable) {
            throw new IllegalArgumentException(file + ": " + unreadable.getMessage(), unreadable);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return NONE;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping with mirrors and configs");
        }
        Map<String, List<String>> mirrors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("mirrors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> mirror = it.next();
            checkHost(file, mirror.getKey());
            List<String> endpoints = new ArrayList<>();
            for (JsonNode endpoint : mirror.getValue().path("endpoint")) {
                String text = endpoint.asText("");
                URI uri = URI.create(text.contains("://") ? text : "https://" + text);
                if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                    throw new IllegalArgumentException(file + ": mirror endpoint " + text + " of " + mirror.getKey()
                            + " is not an http(s) URL");
                }
                endpoints.add(uri.toString());
            }
            mirrors.put(mirror.getKey(), endpoints);
        }
        Map<String, Host> configs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("configs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> config = it.next();
            checkHost(file, config.getKey());
            JsonNode auth = config.getValue().path("auth");
            JsonNode tls = config.getValue().path("tls");
            configs.put(config.getKey(), new Host(
                    auth.isObject() ? Optional.of(new Auth(auth.path("username").asText(""), auth.path("password").asText(""),
                            auth.path("auth").asText(""), auth.path("identitytoken").asText(""))) : Optional.empty(),
                    tls.isObject() ? Optional.of(new Tls(tls.path("ca_file").asText(""), tls.path("cert_file").asText(""),
                            tls.path("key_file").asText(""), tls.path("insecure_skip_verify").asBoolean(false))) : Optional.empty()));
        }
        return new RegistryConfig(mirrors, configs);
    }

    /** A registry name becomes a directory name: host[:port], or "*". */
    private static void checkHost(Path file, String host) {
        if (host.isEmpty() || host.contains("/") || host.contains("\\") || host.equals(".") || host.equals("..")) {
            throw new IllegalArgumentException(file + ": \"" + host + "\" is not a registry host (host[:port] or \"*\")");
        }
    }

    /**
     * containerd's host files: directory name (the registry host, {@code _default} for
     * {@code "*"}) → {@code hosts.toml}.
     */
    public Map<String, String> hostsFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        mirrors.forEach((registry, endpoints) -> {
            StringBuilder toml = new StringBuilder("# Generated by Kapal from registries.yaml; edits are overwritten.\n");
            if (!registry.equals("*")) {
                toml.append("server = ").append(quote(serverOf(registry))).append('\n');
                tls(toml, configs.get(registry));
            }
            for (String endpoint : endpoints) {
                toml.append("\n[host.").append(quote(endpoint)).append("]\n");
                toml.append("  capabilities = [\"pull\", \"resolve\"]\n");
                tls(toml, configs.get(URI.create(endpoint).getAuthority()));
            }
            files.put(registry.equals("*") ? "_default" : registry, toml.toString());
        });
        configs.forEach((host, config) -> {
            if (!mirrors.containsKey(host) && config.tls().isPresent()) {
                StringBuilder toml = new StringBuilder("# Generated by Kapal from registries.yaml; edits are overwritten.\n");
                toml.append("server = ").append(quote(serverOf(host))).append('\n');
                tls(toml, config);
                files.put(host, toml.toString());
            }
        });
        return files;
    }

    /** The CRI plugin's registry section ({@code plugin} is its table name), pointing containerd at {@code configPath}. */
    public String criToml(String plugin, Path configPath) {
        StringBuilder toml = new StringBuilder();
        toml.append("[").append(plugin).append(".registry]\n");
        toml.append("  config_path = ").append(quote(configPath.toString())).append('\n');
        configs.forEach((host, config) -> config.auth().ifPresent(auth -> {
            toml.append("\n[").append(plugin).append(".registry.configs.").append(quote(host)).append(".auth]\n");
            toml.append("  username = ").append(quote(auth.username())).append('\n');
            toml.append("  password = ").append(quote(auth.password())).append('\n');
            toml.append("  auth = ").append(quote(auth.auth())).append('\n');
            toml.append("  identitytoken = ").append(quote(auth.identityToken())).append('\n');
        }));
        return toml.toString();
    }

    private static String serverOf(String registry) {
        return registry.equals("docker.io") ? "https://registry-1.docker.io" : "https://" + registry;
    }

    private static void tls(StringBuilder toml, Host config) {
        if (config == null || config.tls().isEmpty()) {
            return;
        }
        Tls tls = config.tls().get();
        if (tls.insecureSkipVerify()) {
            toml.append("  skip_verify = true\n");
        }
        if (!tls.caFile().isEmpty()) {
            toml.append("  ca = ").append(quote(tls.caFile())).append('\n');
        }
        if (!tls.certFile().isEmpty() && !tls.keyFile().isEmpty()) {
            toml.append("  client = [[").append(quote(tls.certFile())).append(", ").append(quote(tls.keyFile())).append("]]\n");
        }
    }

    private static String quote(String value) {
        return ContainerdSettings.quote(value);
    }
}
