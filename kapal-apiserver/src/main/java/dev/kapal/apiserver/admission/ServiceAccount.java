package dev.kapal.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.ResourceInfo;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * Upstream's ServiceAccount admission plugin, for pod creates:
 * <ul>
 * <li>the pod runs as {@code spec.serviceAccountName} ({@code default} when unset), which must
 *     exist: otherwise 403 {@code pods "x" is forbidden: error looking up service account
 *     ns/name: serviceaccount "name" not found}. The {@code default} account is looked up a few
 *     times over about a second, as upstream does, since its controller may not have made it yet
 *     in a namespace created a moment ago;</li>
 * <li>a pod without {@code imagePullSecrets} gets its account's;</li>
 * <li>unless {@code automountServiceAccountToken} is false (on the pod, else on the account),
 *     every init and app container without a mount at {@value #MOUNT_PATH} mounts, read-only,
 *     the projected volume {@code kube-api-access-<5 random characters>}: a
 *     {@value #TOKEN_EXPIRATION_SECONDS}-second service account token ({@code token}), the
 *     cluster CA from the {@code kube-root-ca.crt} ConfigMap ({@code ca.crt}) and the namespace
 *     ({@code namespace}), mode 0644.</li>
 * </ul>
 * Mirror pods (annotation {@code kubernetes.io/config.mirror}) are left alone.
 */
public final class ServiceAccount implements Admission {
    static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String VOLUME_PREFIX = "kube-api-access-";
    static final long TOKEN_EXPIRATION_SECONDS = 3607;
    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int DEFAULT_ACCOUNT_ATTEMPTS = 10;
    private static final GroupVersionResource PODS = new GroupVersionResource("", "v1", "pods");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Reads a service account (through the cache, else the store). */
    @FunctionalInterface
    public interface Accounts {
        Optional<ObjectNode> get(String namespace, String name);
    }

    private final Accounts accounts;

    public ServiceAccount(Accounts accounts) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
    }

    @Override
    public void admit(ResourceInfo resource, Operation operation, ObjectNode pod, Optional<ObjectNode> old) {
        if (operation != Operation.CREATE || !resource.groupVersion().group().isEmpty() || !resource.plural().equals("pods")) {
            return;
        }
        if (pod.path("metadata").path("annotations").has("kubernetes.io/config.mirror")) {
            return;
        }
        ObjectNode spec = pod.path("spec") instanceof ObjectNode existing ? existing : pod.putObject("spec");
        if (spec.path("serviceAccountName").asText("").isEmpty()) {
            spec.put("serviceAccountName", "default");
        }
        String name = spec.path("serviceAccountName").asText();
        String namespace = pod.path("metadata").path("namespace").asText("");
        ObjectNode account = lookUp(namespace, name).orElseThrow(() -> ApiException.forbidden(PODS,
                pod.path("metadata").path("name").asText(""), "error looking up service account " + namespace + "/" + name
                        + ": serviceaccount \"" + name + "\" not found"));
        JsonNode pullSecrets = spec.path("imagePullSecrets");
        if ((!pullSecrets.isArray() || pullSecrets.isEmpty()) && account.path("imagePullSecrets").isArray()
                && !account.path("imagePullSecrets").isEmpty()) {
            ArrayNode copied = spec.putArray("imagePullSecrets");
            account.path("imagePullSecrets").forEach(reference -> {
                ObjectNode entry = copied.addObject();
                entry.put("name", reference.path("name").asText(""));
            });
        }
        if (automount(spec, account)) {
            mountToken(spec);
        }
    }

    private Optional<ObjectNode> lookUp(String namespace, String name) {
        int attempts = name.equals("default") ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            Optional<ObjectNode> found = accounts.get(namespace, name);
            if (found.isPresent() || attempt >= attempts) {
                return found;
            }
            try {
                Thread.sleep(100 + RANDOM.nextInt(100));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }

    private static boolean automount(ObjectNode spec, ObjectNode account) {
        JsonNode podSetting = spec.path("automountServiceAccountToken");
        if (podSetting.isBoolean()) {
            return podSetting.asBoolean();
        }
        JsonNode accountSetting = account.path("automountServiceAccountToken");
        return !accountSetting.isBoolean() || accountSetting.asBoolean();
    }

    private static void mountToken(ObjectNode spec) {
        String volumeName = null;
        for (JsonNode volume : spec.path("volumes")) {
            if (volume.path("name").asText("").startsWith(VOLUME_PREFIX)) {
                volumeName = volume.path("name").asText();
                break;
            }
        }
        boolean haveVolume = volumeName != null;
        if (volumeName == null) {
            StringBuilder generated = new StringBuilder(VOLUME_PREFIX);
            for (int i = 0; i < 5; i++) {
                generated.append(NAME_ALPHABET.charAt(RANDOM.nextInt(NAME_ALPHABET.length())));
            }
            volumeName = generated.toString();
        }
        boolean needed = false;
        for (String field : new String[] {"initContainers", "containers"}) {
            for (JsonNode container : spec.path(field)) {
                if (!(container instanceof ObjectNode object)) {
                    continue;
                }
                boolean mounted = false;
                for (JsonNode mount : object.path("volumeMounts")) {
                    if (MOUNT_PATH.equals(mount.path("mountPath").asText())) {
                        mounted = true;
                        break;
                    }
                }
                if (!mounted) {
                    ArrayNode mounts = object.path("volumeMounts") instanceof ArrayNode existing ? existing : object.putArray("volumeMounts");
                    ObjectNode mount = mounts.addObject();
                    mount.put("name", volumeName);
                    mount.put("readOnly", true);
                    mount.put("mountPath", MOUNT_PATH);
                    needed = true;
                }
            }
        }
        if (needed && !haveVolume) {
            ArrayNode volumes = spec.path("volumes") instanceof ArrayNode existing ? existing : spec.putArray("volumes");
            ObjectNode volume = volumes.addObject();
            volume.put("name", volumeName);
            ObjectNode projected = volume.putObject("projected");
            ArrayNode sources = projected.putArray("sources");
            ObjectNode token = sources.addObject().putObject("serviceAccountToken");
            token.put("expirationSeconds", TOKEN_EXPIRATION_SECONDS);
            token.put("path", "token");
            ObjectNode configMap = sources.addObject().putObject("configMap");
            configMap.put("name", "kube-root-ca.crt");
            ObjectNode item = configMap.putArray("items").addObject();
            item.put("key", "ca.crt");
            item.put("path", "ca.crt");
            ObjectNode downward = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
            downward.put("path", "namespace");
            ObjectNode fieldRef = downward.putObject("fieldRef");
            fieldRef.put("apiVersion", "v1");
            fieldRef.put("fieldPath", "metadata.namespace");
            projected.put("defaultMode", 420);
        }
    }
}
