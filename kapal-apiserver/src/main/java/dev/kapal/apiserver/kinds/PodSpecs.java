package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.Trees.defaultBoolean;
import static dev.kapal.apiserver.kinds.Trees.defaultInt;
import static dev.kapal.apiserver.kinds.Trees.defaultObject;
import static dev.kapal.apiserver.kinds.Trees.defaultText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.api.validation.Names;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod spec, shared by pods, pod templates and every workload template: upstream's defaults
 * (core/v1 {@code SetDefaults_PodSpec}, {@code SetDefaults_Container}, probes, volumes), the
 * checks of {@code ValidatePodSpec} clients most often trip over, and the pod QoS class.
 *
 * <p>Some defaults apply to pods only, because upstream fills them in admission plugins that see
 * pods but not templates (priority, service account; the default tolerations come from the
 * {@code DefaultTolerationSeconds} admission plugin, {@code dev.kapal.apiserver.admission}) or in
 * {@code SetDefaults_Pod} (requests copied from limits): see {@link #applyPodOnlyDefaults}.
 */
final class PodSpecs {
    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    static final String PORT_RANGE = "must be between 1 and 65535, inclusive";

    private static final Pattern PORT_NAME_CHARACTERS = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private PodSpecs() {
    }

    /** Defaults of any pod spec, template or not. */
    static void applyDefaults(ObjectNode spec) {
        defaultText(spec, "dnsPolicy", "ClusterFirst");
        defaultText(spec, "restartPolicy", "Always");
        defaultInt(spec, "terminationGracePeriodSeconds", 30);
        defaultObject(spec, "securityContext");
        defaultText(spec, "schedulerName", "default-scheduler");
        // The deprecated serviceAccount field mirrors serviceAccountName in v1 (both ways).
        if (Trees.absent(spec, "serviceAccountName") && !Trees.absent(spec, "serviceAccount")) {
            spec.put("serviceAccountName", spec.get("serviceAccount").asText());
        }
        if (!Trees.absent(spec, "serviceAccountName")) {
            spec.put("serviceAccount", spec.get("serviceAccountName").asText());
        }
        boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            Trees.forEachObject(spec, list, container -> defaultContainer(container, hostNetwork));
        }
        Trees.forEachObject(spec, "volumes", PodSpecs::defaultVolume);
    }

    /**
     * Defaults only pods get. {@code enableServiceLinks} and requests-from-limits come from
     * upstream's {@code SetDefaults_Pod}; the service account from the ServiceAccount admission
     * plugin (Kapal has no separate mutating admission for it, so it is a default here: the
     * observable object is the same). Priority and preemption policy are the Priority admission
     * plugin's alone, which refuses values that differ from the PriorityClass's.
     */
    static void applyPodOnlyDefaults(ObjectNode spec) {
        applyDefaults(spec);
        defaultBoolean(spec, "enableServiceLinks", true);
        defaultText(spec, "serviceAccountName", "default");
        defaultText(spec, "serviceAccount", spec.get("serviceAccountName").asText());
        for (String list : List.of("initContainers", "containers")) {
            Trees.forEachObject(spec, list, PodSpecs::defaultRequestsFromLimits);
        }
    }

    /** Template defaults for workloads whose pod spec sits at {@code spec.template.spec}. */
    static void applyTemplateDefaults(ObjectNode workloadSpec) {
        ObjectNode template = defaultObject(workloadSpec, "template");
        applyDefaults(defaultObject(template, "spec"));
    }

    private static void defaultContainer(ObjectNode container, boolean hostNetwork) {
        defaultText(container, "terminationMessagePath", "/dev/termination-log");
        defaultText(container, "terminationMessagePolicy", "File");
        defaultText(container, "imagePullPolicy", pullPolicyFor(Trees.text(container, "image")));
        defaultObject(container, "resources");
        Trees.forEachObject(container, "ports", port -> {
            defaultText(port, "protocol", "TCP");
            if (hostNetwork && Trees.absent(port, "hostPort") && port.has("containerPort")) {
                port.set("hostPort", port.get("containerPort"));
            }
        });
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            Trees.object(container, probe).ifPresent(PodSpecs::defaultProbe);
        }
        Trees.object(container, "lifecycle").ifPresent(lifecycle -> {
            for (String hook : List.of("postStart", "preStop")) {
                Trees.object(lifecycle, hook).flatMap(handler -> Trees.object(handler, "httpGet"))
                        .ifPresent(PodSpecs::defaultHttpGet);
            }
        });
        Trees.forEachObject(container, "env", env -> Trees.object(env, "valueFrom")
                .flatMap(from -> Trees.object(from, "fieldRef"))
                .ifPresent(fieldRef -> defaultText(fieldRef, "apiVersion", "v1")));
    }

    private static void defaultProbe(ObjectNode probe) {
        defaultInt(probe, "timeoutSeconds", 1);
        defaultInt(probe, "periodSeconds", 10);
        defaultInt(probe, "successThreshold", 1);
        defaultInt(probe, "failureThreshold", 3);
        Trees.object(probe, "httpGet").ifPresent(PodSpecs::defaultHttpGet);
    }

    private static void defaultHttpGet(ObjectNode httpGet) {
        defaultText(httpGet, "path", "/");
        defaultText(httpGet, "scheme", "HTTP");
    }

    private static void defaultVolume(ObjectNode volume) {
        // A volume naming no source is an emptyDir, as upstream's SetDefaults_Volume decides.
        Iterator<String> fields = volume.fieldNames();
        boolean hasSource = false;
        while (fields.hasNext()) {
            if (!fields.next().equals("name")) {
                hasSource = true;
            }
        }
        if (!hasSource) {
            volume.putObject("emptyDir");
        }
        for (String source : List.of("configMap", "secret", "projected", "downwardAPI")) {
            Trees.object(volume, source).ifPresent(object -> defaultInt(object, "defaultMode", 420));
        }
        Trees.object(volume, "downwardAPI").ifPresent(downward -> Trees.forEachObject(downward, "items",
                item -> Trees.object(item, "fieldRef").ifPresent(ref -> defaultText(ref, "apiVersion", "v1"))));
        // Upstream's HostPathUnset is the empty string, and it is written out.
        if (volume.path("hostPath").isObject() && !volume.path("hostPath").has("type")) {
            ((ObjectNode) volume.get("hostPath")).put("type", "");
        }
    }

    private static void defaultRequestsFromLimits(ObjectNode container) {
        ObjectNode resources = defaultObject(container, "resources");
        Optional<ObjectNode> limits = Trees.object(resources, "limits");
        if (limits.isEmpty() || limits.get().isEmpty()) {
            return;
        }
        ObjectNode requests = defaultObject(resources, "requests");
        limits.get().fields().forEachRemaining(limit -> {
            if (!requests.has(limit.getKey())) {
                requests.set(limit.getKey(), limit.getValue().deepCopy());
            }
        });
    }

    /** {@code Always} for {@code :latest} or untagged images, otherwise {@code IfNotPresent}. */
    static String pullPolicyFor(String image) {
        String reference = image;
        int at = reference.indexOf('@');
        if (at >= 0) {
            // A digest pins the image; without an explicit tag upstream sees no "latest" tag.
            String beforeDigest = reference.substring(0, at);
            String tag = tagOf(beforeDigest);
            return tag.equals("latest") ? "Always" : "IfNotPresent";
        }
        String tag = tagOf(reference);
        return tag.isEmpty() || tag.equals("latest") ? "Always" : "IfNotPresent";
    }

    private static String tagOf(String reference) {
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        return colon > slash ? reference.substring(colon + 1) : "";
    }

    // ---------------------------------------------------------------- validation

    /**
     * Validates a pod spec found at {@code path} ({@code spec} for pods,
     * {@code spec.template.spec} for workloads); {@code restartPolicies} are those the owner
     * allows (workloads other than jobs only run {@code Always}).
     */
    static void validate(JsonNode spec, String path, List<String> restartPolicies, Errors errors) {
        Set<String> volumes = new HashSet<>();
        List<ObjectNode> volumeList = Trees.objects(spec, "volumes");
        for (int i = 0; i < volumeList.size(); i++) {
            String field = path + ".volumes[" + i + "].name";
            String name = Trees.text(volumeList.get(i), "name");
            if (name.isEmpty()) {
                errors.required(field);
            } else {
                errors.invalidEach(field, name, Names.dns1123Label(name));
                if (!volumes.add(name)) {
                    errors.duplicate(field, name);
                }
            }
        }
        Set<String> containerNames = new HashSet<>();
        validateContainers(spec, path, "initContainers", volumes, containerNames, errors);
        if (Trees.objects(spec, "containers").isEmpty()) {
            errors.required(path + ".containers");
        }
        validateContainers(spec, path, "containers", volumes, containerNames, errors);
        String restartPolicy = Trees.text(spec, "restartPolicy");
        if (restartPolicy.isEmpty()) {
            errors.required(path + ".restartPolicy");
        } else if (!restartPolicies.contains(restartPolicy)) {
            errors.notSupported(path + ".restartPolicy", restartPolicy, restartPolicies);
        }
        String dnsPolicy = Trees.text(spec, "dnsPolicy");
        if (dnsPolicy.isEmpty()) {
            errors.required(path + ".dnsPolicy");
        } else {
            errors.oneOf(path + ".dnsPolicy", dnsPolicy, DNS_POLICIES);
        }
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        if (grace != null && grace.isNumber() && grace.asLong() < 0) {
            errors.invalid(path + ".terminationGracePeriodSeconds", grace.asLong(), "must be >= 0");
        }
    }

    private static void validateContainers(JsonNode spec, String path, String list, Set<String> volumes,
                                           Set<String> names, Errors errors) {
        List<ObjectNode> containers = Trees.objects(spec, list);
        for (int i = 0; i < containers.size(); i++) {
            ObjectNode container = containers.get(i);
            String at = path + "." + list + "[" + i + "]";
            String name = Trees.text(container, "name");
            if (name.isEmpty()) {
                errors.required(at + ".name");
            } else {
                errors.invalidEach(at + ".name", name, Names.dns1123Label(name));
                if (!names.add(name)) {
                    errors.duplicate(at + ".name", name);
                }
            }
            if (Trees.text(container, "image").isBlank()) {
                errors.required(at + ".image");
            }
            String pullPolicy = Trees.text(container, "imagePullPolicy");
            if (pullPolicy.isEmpty()) {
                errors.required(at + ".imagePullPolicy");
            } else {
                errors.oneOf(at + ".imagePullPolicy", pullPolicy, PULL_POLICIES);
            }
            validatePorts(container, at, errors);
            List<ObjectNode> env = Trees.objects(container, "env");
            for (int e = 0; e < env.size(); e++) {
                if (Trees.text(env.get(e), "name").isEmpty()) {
                    errors.required(at + ".env[" + e + "].name");
                }
            }
            List<ObjectNode> mounts = Trees.objects(container, "volumeMounts");
            for (int m = 0; m < mounts.size(); m++) {
                String mountName = Trees.text(mounts.get(m), "name");
                String field = at + ".volumeMounts[" + m + "]";
                if (mountName.isEmpty()) {
                    errors.required(field + ".name");
                } else if (!volumes.contains(mountName)) {
                    errors.add(new StatusCause("FieldValueNotFound", "Not found: \"" + mountName + "\"", field + ".name"));
                }
                if (Trees.text(mounts.get(m), "mountPath").isEmpty()) {
                    errors.required(field + ".mountPath");
                }
            }
        }
    }

    private static void validatePorts(ObjectNode container, String at, Errors errors) {
        List<ObjectNode> ports = Trees.objects(container, "ports");
        Set<String> portNames = new HashSet<>();
        for (int p = 0; p < ports.size(); p++) {
            ObjectNode port = ports.get(p);
            String field = at + ".ports[" + p + "]";
            String portName = Trees.text(port, "name");
            if (!portName.isEmpty()) {
                errors.invalidEach(field + ".name", portName, portNameErrors(portName));
                if (!portNames.add(portName)) {
                    errors.duplicate(field + ".name", portName);
                }
            }
            JsonNode containerPort = port.get("containerPort");
            if (containerPort == null || containerPort.asLong() == 0) {
                errors.required(field + ".containerPort");
            } else if (!validPort(containerPort.asLong())) {
                errors.invalid(field + ".containerPort", containerPort.asLong(), PORT_RANGE);
            }
            JsonNode hostPort = port.get("hostPort");
            if (hostPort != null && hostPort.asLong() != 0 && !validPort(hostPort.asLong())) {
                errors.invalid(field + ".hostPort", hostPort.asLong(), PORT_RANGE);
            }
            String protocol = Trees.text(port, "protocol");
            if (protocol.isEmpty()) {
                errors.required(field + ".protocol");
            } else {
                errors.oneOf(field + ".protocol", protocol, PROTOCOLS);
            }
        }
    }

    static boolean validPort(long port) {
        return port >= 1 && port <= 65535;
    }

    /** Upstream's {@code IsValidPortName} (an IANA service name). */
    static List<String> portNameErrors(String name) {
        List<String> errors = new java.util.ArrayList<>();
        if (name.length() > 15) {
            errors.add("must be no more than 15 characters");
        }
        if (!PORT_NAME_CHARACTERS.matcher(name).matches()) {
            errors.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!HAS_LETTER.matcher(name).matches()) {
            errors.add("must contain at least one letter (a-z)");
        }
        if (name.contains("--")) {
            errors.add("must not contain consecutive hyphens");
        }
        if (name.startsWith("-") || name.endsWith("-")) {
            errors.add("must not begin or end with a hyphen");
        }
        return errors;
    }

    // ---------------------------------------------------------------- QoS

    /**
     * The QoS class of a pod spec: BestEffort when no container asks for or limits CPU or memory,
     * Guaranteed when every container limits both and requests exactly its limits (requests
     * default to limits), Burstable otherwise.
     */
    static String qosClass(JsonNode spec) {
        boolean anySet = false;
        boolean guaranteed = true;
        for (String list : List.of("initContainers", "containers")) {
            for (ObjectNode container : Trees.objects(spec, list)) {
                JsonNode resources = container.path("resources");
                Map<String, String> requests = Trees.stringMap(resources, "requests");
                Map<String, String> limits = Trees.stringMap(resources, "limits");
                for (String resource : List.of("cpu", "memory")) {
                    String request = requests.getOrDefault(resource, limits.get(resource));
                    String limit = limits.get(resource);
                    if (request != null && isPositive(request) || limit != null && isPositive(limit)) {
                        anySet = true;
                    }
                    if (limit == null || request == null || quantity(limit).compareTo(quantity(request)) != 0) {
                        guaranteed = false;
                    }
                }
            }
        }
        if (!anySet) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static boolean isPositive(String value) {
        return quantity(value).signum() > 0;
    }

    private static final Pattern QUANTITY = Pattern.compile("([+-]?[0-9.]+)([eE][+-]?[0-9]+|[a-zA-Z]*)");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE), Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")), Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")), Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)), Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)), Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    /** A resource quantity's value, enough to compare requests with limits; unparsable reads as 0. */
    static BigDecimal quantity(String text) {
        Matcher matcher = QUANTITY.matcher(text.trim());
        if (!matcher.matches()) {
            return BigDecimal.ZERO;
        }
        try {
            BigDecimal number = new BigDecimal(matcher.group(1));
            String suffix = matcher.group(2);
            if (suffix.startsWith("e") || suffix.startsWith("E")) {
                return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
            }
            BigDecimal multiplier = SUFFIXES.get(suffix);
            return multiplier == null ? BigDecimal.ZERO : number.multiply(multiplier);
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }
}
