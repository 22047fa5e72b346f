package dev.kapal.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container's environment and its expanded command and arguments, as the kubelet's
 * {@code makeEnvironmentVariables} builds them: first {@code envFrom} sources in order (ConfigMap
 * or Secret entries, with the prefix, keys that are not valid variable names skipped), then
 * {@code env} in order, each {@code value} expanded with the variables defined so far, each
 * {@code valueFrom} resolved (downward API {@code fieldRef} and {@code resourceFieldRef},
 * {@code configMapKeyRef}, {@code secretKeyRef}); a later definition of a name replaces an earlier
 * one. Command and args are then expanded with the whole environment ({@link #expand}).
 *
 * <p>A missing ConfigMap, Secret or key that is not {@code optional} fails with the kubelet's
 * message ({@code configmap "x" not found}, {@code couldn't find key k in ConfigMap ns/x}); the
 * pod worker shows it as {@code CreateContainerConfigError}.
 */
final class ContainerEnvironment {
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /**
     * Where ConfigMaps, Secrets and service account tokens of the pod's namespace come from (the
     * API server, for a kubelet).
     */
    interface Lookup {
        Optional<ConfigMap> configMap(String namespace, String name);

        Optional<Secret> secret(String namespace, String name);

        /**
         * A new token of the pod's service account bound to the pod (a TokenRequest with
         * {@code boundObjectRef} to it), for {@code audience} (empty: the API's) and valid
         * {@code expirationSeconds}; failures throw {@link ConfigError} with the server's message.
         */
        ServiceAccountToken token(io.fabric8.kubernetes.api.model.Pod pod, String audience, long expirationSeconds);
    }

    /** A service account token and when it expires. */
    record ServiceAccountToken(String token, java.time.Instant expiration) {
    }

    /**
     * The pod-level facts the downward API exposes that are not in the pod object yet.
     *
     * @param podIps      the sandbox's addresses (empty before it has one)
     * @param hostIps     the node's addresses
     * @param allocatable the node's allocatable resources: the value of a limit that is not set
     * @param services    the Service environment variables ({@link #serviceVariables}): below the
     *                    container's own variables, and usable in their {@code $(VAR)}s
     */
    record Facts(List<String> podIps, List<String> hostIps, Map<String, Quantity> allocatable, Map<String, String> services) {
        Facts {
            podIps = List.copyOf(podIps);
            hostIps = List.copyOf(hostIps);
            allocatable = Map.copyOf(allocatable);
            services = Map.copyOf(services);
        }

        /** Facts without Service variables. */
        Facts(List<String> podIps, List<String> hostIps, Map<String, Quantity> allocatable) {
            this(podIps, hostIps, allocatable, Map.of());
        }

        Facts withServices(Map<String, String> variables) {
            return new Facts(podIps, hostIps, allocatable, variables);
        }
    }

    /**
     * The kubelet's Service environment variables, docker-link style, for the Services that exist
     * when the container starts: those of the pod's namespace when {@code enableServiceLinks}
     * (default true), and always the {@code kubernetes} Service of {@code default}; Services without
     * a ClusterIP (headless) are skipped. For a Service {@code redis-primary} at 10.43.0.11 with
     * port 6379/TCP: {@code REDIS_PRIMARY_SERVICE_HOST=10.43.0.11}, {@code _SERVICE_PORT=6379},
     * {@code _SERVICE_PORT_<PORTNAME>} per named port, {@code REDIS_PRIMARY_PORT=tcp://10.43.0.11:6379}
     * and {@code REDIS_PRIMARY_PORT_6379_TCP}, {@code _PROTO}, {@code _PORT}, {@code _ADDR}.
     */
    static Map<String, String> serviceVariables(Pod pod, List<io.fabric8.kubernetes.api.model.Service> services) {
        boolean links = pod.getSpec().getEnableServiceLinks() == null || pod.getSpec().getEnableServiceLinks();
        String namespace = pod.getMetadata().getNamespace();
        Map<String, io.fabric8.kubernetes.api.model.Service> chosen = new java.util.TreeMap<>();
        for (var service : services) {
            String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
            if (ip == null || ip.isEmpty() || ip.equals("None")) {
                continue;
            }
            String name = service.getMetadata().getName();
            if ("default".equals(service.getMetadata().getNamespace()) && "kubernetes".equals(name)) {
                chosen.putIfAbsent(name, service);
            } else if (links && namespace.equals(service.getMetadata().getNamespace())) {
                chosen.put(name, service);
            }
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (var service : chosen.values()) {
            String prefix = service.getMetadata().getName().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            String ip = service.getSpec().getClusterIP();
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            var ports = service.getSpec().getPorts() == null ? List.<io.fabric8.kubernetes.api.model.ServicePort>of()
                    : service.getSpec().getPorts();
            variables.put(prefix + "_SERVICE_HOST", ip);
            if (!ports.isEmpty()) {
                variables.put(prefix + "_SERVICE_PORT", Integer.toString(ports.getFirst().getPort()));
            }
            for (var port : ports) {
                if (port.getName() != null && !port.getName().isEmpty()) {
                    variables.put(prefix + "_SERVICE_PORT_" + port.getName().toUpperCase(java.util.Locale.ROOT).replace('-', '_'),
                            Integer.toString(port.getPort()));
                }
            }
            for (int index = 0; index < ports.size(); index++) {
                var port = ports.get(index);
                String protocol = port.getProtocol() == null || port.getProtocol().isEmpty() ? "TCP" : port.getProtocol();
                String lower = protocol.toLowerCase(java.util.Locale.ROOT);
                String url = lower + "://" + host + ":" + port.getPort();
                if (index == 0) {
                    variables.put(prefix + "_PORT", url);
                }
                String portPrefix = prefix + "_PORT_" + port.getPort() + "_" + protocol.toUpperCase(java.util.Locale.ROOT);
                variables.put(portPrefix, url);
                variables.put(portPrefix + "_PROTO", lower);
                variables.put(portPrefix + "_PORT", Integer.toString(port.getPort()));
                variables.put(portPrefix + "_ADDR", ip);
            }
        }
        return variables;
    }

    /** A container's environment could not be made; the message is the kubelet's. */
    static final class ConfigError extends RuntimeException {
        ConfigError(String message) {
            super(message);
        }
    }

    /** The resolved environment (in definition order) and the expanded command and args. */
    record Resolved(Map<String, String> environment, List<String> command, List<String> args) {
    }

    private ContainerEnvironment() {
    }

    static Resolved resolve(Pod pod, Container container, Facts facts, Lookup objects) {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            String prefix = source.getPrefix() == null ? "" : source.getPrefix();
            Map<String, String> entries = new LinkedHashMap<>();
            if (source.getConfigMapRef() != null) {
                String name = source.getConfigMapRef().getName();
                Optional<ConfigMap> configMap = objects.configMap(namespace, name);
                if (configMap.isEmpty()) {
                    if (Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
                        continue;
                    }
                    throw new ConfigError("configmap \"" + name + "\" not found");
                }
                if (configMap.get().getData() != null) {
                    entries.putAll(configMap.get().getData());
                }
            } else if (source.getSecretRef() != null) {
                String name = source.getSecretRef().getName();
                Optional<Secret> secret = objects.secret(namespace, name);
                if (secret.isEmpty()) {
                    if (Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
                        continue;
                    }
                    throw new ConfigError("secret \"" + name + "\" not found");
                }
                secretData(secret.get()).forEach(entries::put);
            }
            entries.forEach((key, value) -> {
                String variable = prefix + key;
                if (ENV_NAME.matcher(variable).matches()) {
                    environment.put(variable, value);
                }
            });
        }
        for (EnvVar variable : container.getEnv()) {
            String value;
            if (variable.getValueFrom() != null) {
                Optional<String> resolved = valueFrom(pod, container, variable.getValueFrom(), facts, objects);
                if (resolved.isEmpty()) {
                    continue;  // an optional reference to something missing: the variable is not set
                }
                value = resolved.get();
            } else {
                value = expand(variable.getValue() == null ? "" : variable.getValue(), withServices(environment, facts));
            }
            environment.put(variable.getName(), value);
        }
        // Service variables come last and never replace the container's own (upstream's order).
        facts.services().forEach(environment::putIfAbsent);
        List<String> command = container.getCommand().stream().map(part -> expand(part, environment)).toList();
        List<String> args = container.getArgs().stream().map(part -> expand(part, environment)).toList();
        return new Resolved(environment, command, args);
    }

    private static Map<String, String> withServices(Map<String, String> environment, Facts facts) {
        if (facts.services().isEmpty()) {
            return environment;
        }
        Map<String, String> variables = new LinkedHashMap<>(facts.services());
        variables.putAll(environment);
        return variables;
    }

    private static Optional<String> valueFrom(Pod pod, Container container, EnvVarSource source, Facts facts, Lookup objects) {
        String namespace = pod.getMetadata().getNamespace();
        if (source.getFieldRef() != null) {
            return Optional.of(field(pod, source.getFieldRef().getFieldPath(), facts));
        }
        if (source.getResourceFieldRef() != null) {
            return Optional.of(resource(pod, container, source.getResourceFieldRef(), facts));
        }
        if (source.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector selector = source.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(selector.getOptional());
            Optional<ConfigMap> configMap = objects.configMap(namespace, selector.getName());
            if (configMap.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ConfigError("configmap \"" + selector.getName() + "\" not found");
            }
            Map<String, String> data = configMap.get().getData() == null ? Map.of() : configMap.get().getData();
            if (!data.containsKey(selector.getKey())) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ConfigError("couldn't find key " + selector.getKey() + " in ConfigMap " + namespace + "/" + selector.getName());
            }
            return Optional.of(data.get(selector.getKey()));
        }
        if (source.getSecretKeyRef() != null) {
            SecretKeySelector selector = source.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(selector.getOptional());
            Optional<Secret> secret = objects.secret(namespace, selector.getName());
            if (secret.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ConfigError("secret \"" + selector.getName() + "\" not found");
            }
            Map<String, String> data = secretData(secret.get());
            if (!data.containsKey(selector.getKey())) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ConfigError("couldn't find key " + selector.getKey() + " in Secret " + namespace + "/" + selector.getName());
            }
            return Optional.of(data.get(selector.getKey()));
        }
        return Optional.of("");
    }

    /** A Secret's values decoded ({@code stringData} is merged into {@code data} by the API server). */
    private static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> data.put(key,
                    new String(Base64.getDecoder().decode(value == null ? "" : value), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        return data;
    }

    /** The downward API's {@code fieldRef} paths that environment variables may use. */
    static String field(Pod pod, String path, Facts facts) {
        var metadata = pod.getMetadata();
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            String key = path.substring("metadata.labels['".length(), path.length() - 2);
            return metadata.getLabels() == null ? "" : metadata.getLabels().getOrDefault(key, "");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            String key = path.substring("metadata.annotations['".length(), path.length() - 2);
            return metadata.getAnnotations() == null ? "" : metadata.getAnnotations().getOrDefault(key, "");
        }
        return switch (path) {
            case "metadata.name" -> metadata.getName();
            case "metadata.namespace" -> metadata.getNamespace();
            case "metadata.uid" -> metadata.getUid();
            case "metadata.labels" -> formatMap(metadata.getLabels());
            case "metadata.annotations" -> formatMap(metadata.getAnnotations());
            case "spec.nodeName" -> nonNull(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> nonNull(pod.getSpec().getServiceAccountName());
            case "status.hostIP" -> facts.hostIps().isEmpty() ? "" : facts.hostIps().getFirst();
            case "status.hostIPs" -> String.join(",", facts.hostIps());
            case "status.podIP" -> podIps(pod, facts).isEmpty() ? "" : podIps(pod, facts).getFirst();
            case "status.podIPs" -> String.join(",", podIps(pod, facts));
            default -> throw new ConfigError("unsupported fieldPath: " + path);
        };
    }

    private static List<String> podIps(Pod pod, Facts facts) {
        return Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? facts.hostIps() : facts.podIps();
    }

    /** The downward API's {@code k="v"} lines, sorted by key, as for volumes. */
    private static String formatMap(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        map.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(entry.getKey()).append("=\"").append(entry.getValue().replace("\"", "\\\"")).append('"');
        });
        return text.toString();
    }

    /**
     * A {@code resourceFieldRef}: the container's request or limit (a limit not set is the node's
     * allocatable), divided by the divisor (default 1) and rounded up, as the kubelet does.
     */
    static String resource(Pod pod, Container self, ResourceFieldSelector selector, Facts facts) {
        Container container = self;
        if (selector.getContainerName() != null && !selector.getContainerName().isEmpty()) {
            container = java.util.stream.Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                    .filter(candidate -> candidate.getName().equals(selector.getContainerName()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigError("container " + selector.getContainerName() + " not found"));
        }
        String resource = selector.getResource();
        int dot = resource.indexOf('.');
        if (dot < 0) {
            throw new ConfigError("unsupported container resource: " + resource);
        }
        String kind = resource.substring(0, dot);
        String name = resource.substring(dot + 1);
        var requirements = container.getResources();
        Map<String, Quantity> requests = requirements == null || requirements.getRequests() == null ? Map.of() : requirements.getRequests();
        Map<String, Quantity> limits = requirements == null || requirements.getLimits() == null ? Map.of() : requirements.getLimits();
        Quantity quantity = switch (kind) {
            case "limits" -> limits.containsKey(name) ? limits.get(name) : facts.allocatable().get(name);
            case "requests" -> requests.get(name);
            default -> throw new ConfigError("unsupported container resource: " + resource);
        };
        BigDecimal amount = quantity == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(quantity);
        Quantity divisorQuantity = selector.getDivisor() == null ? null : selector.getDivisor();
        BigDecimal divisor = divisorQuantity == null || Quantity.getAmountInBytes(divisorQuantity).signum() == 0
                ? BigDecimal.ONE : Quantity.getAmountInBytes(divisorQuantity);
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    /**
     * Upstream's {@code $(VAR)} expansion: {@code $(NAME)} becomes the variable's value when it is
     * defined and stays as written otherwise; {@code $$} is an escaped {@code $}; any other
     * {@code $} (also an unterminated {@code $(}) is kept.
     */
    static String expand(String input, Map<String, String> variables) {
        if (input.indexOf('$') < 0) {
            return input;
        }
        StringBuilder output = new StringBuilder(input.length());
        int cursor = 0;
        while (cursor < input.length()) {
            char c = input.charAt(cursor);
            if (c != '$' || cursor + 1 >= input.length()) {
                output.append(c);
                cursor++;
                continue;
            }
            char next = input.charAt(cursor + 1);
            if (next == '$') {
                output.append('$');
                cursor += 2;
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    output.append("$(");
                    cursor += 2;
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = variables.get(name);
                    output.append(value != null ? value : "$(" + name + ")");
                    cursor = close + 1;
                }
            } else {
                output.append('$').append(next);
                cursor += 2;
            }
        }
        return output.toString();
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }
}
