package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** ConfigMap and Secret payloads: key names, total size, type-specific keys and immutability. */
final class ConfigData {
    /** Upstream's limit for a ConfigMap's or Secret's payload. */
    static final int MAX_SIZE = 1024 * 1024;

    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final String IMMUTABLE_WHEN_SET = "field is immutable when `immutable` is set";

    private ConfigData() {
    }

    /** Upstream's {@code IsConfigMapKey}, used for Secret keys too. */
    static List<String> keyErrors(String key) {
        List<String> errors = new ArrayList<>();
        if (key.length() > 253) {
            errors.add("must be no more than 253 characters");
        }
        if (!CONFIG_KEY.matcher(key).matches()) {
            errors.add("a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                    + "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        }
        if (key.equals(".")) {
            errors.add("must not be '.'");
        } else if (key.equals("..")) {
            errors.add("must not be '..'");
        } else if (key.startsWith("..")) {
            errors.add("must not start with '..'");
        }
        return errors;
    }

    static void validateConfigMap(ObjectNode object, Errors errors) {
        Map<String, String> data = Trees.stringMap(object, "data");
        Map<String, String> binary = Trees.stringMap(object, "binaryData");
        long size = 0;
        for (Map.Entry<String, String> entry : data.entrySet()) {
            errors.invalidEach("data[" + entry.getKey() + "]", entry.getKey(), keyErrors(entry.getKey()));
            size += entry.getKey().length() + entry.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        for (Map.Entry<String, String> entry : binary.entrySet()) {
            errors.invalidEach("binaryData[" + entry.getKey() + "]", entry.getKey(), keyErrors(entry.getKey()));
            if (data.containsKey(entry.getKey())) {
                errors.invalid("binaryData", entry.getKey(), "duplicate of key present in data");
            }
            size += entry.getKey().length() + decodedLength(entry.getValue());
        }
        if (size > MAX_SIZE) {
            errors.add(StatusCause.tooLong("", MAX_SIZE));
        }
    }

    /**
     * Secrets arrive with {@code stringData} as a write-only convenience; upstream folds it into
     * {@code data} (base64, overriding equal keys) and never stores or returns it.
     */
    static void foldStringData(ObjectNode secret) {
        JsonNode stringData = secret.remove("stringData");
        if (stringData instanceof ObjectNode strings && !strings.isEmpty()) {
            ObjectNode data = Trees.defaultObject(secret, "data");
            strings.fields().forEachRemaining(entry -> data.put(entry.getKey(),
                    Base64.getEncoder().encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        }
    }

    static void validateSecret(ObjectNode object, Errors errors) {
        Map<String, String> data = Trees.stringMap(object, "data");
        long size = 0;
        for (Map.Entry<String, String> entry : data.entrySet()) {
            errors.invalidEach("data[" + entry.getKey() + "]", entry.getKey(), keyErrors(entry.getKey()));
            size += decodedLength(entry.getValue());
        }
        if (size > MAX_SIZE) {
            errors.add(StatusCause.tooLong("data", MAX_SIZE));
        }
        switch (Trees.text(object, "type")) {
            case "kubernetes.io/service-account-token" -> {
                if (Trees.text(object.path("metadata").path("annotations"), "kubernetes.io/service-account.name").isEmpty()) {
                    errors.required("metadata.annotations[kubernetes.io/service-account.name]");
                }
            }
            case "kubernetes.io/dockercfg" -> requireKeys(data, errors, ".dockercfg");
            case "kubernetes.io/dockerconfigjson" -> requireKeys(data, errors, ".dockerconfigjson");
            case "kubernetes.io/basic-auth" -> {
                if (!data.containsKey("username") && !data.containsKey("password")) {
                    requireKeys(data, errors, "username", "password");
                }
            }
            case "kubernetes.io/ssh-auth" -> requireKeys(data, errors, "ssh-privatekey");
            case "kubernetes.io/tls" -> requireKeys(data, errors, "tls.crt", "tls.key");
            default -> {
            }
        }
    }

    private static void requireKeys(Map<String, String> data, Errors errors, String... keys) {
        for (String key : keys) {
            if (!data.containsKey(key)) {
                errors.required("data[" + key + "]");
            }
        }
    }

    /** Once {@code immutable: true} is stored, neither the payload nor the flag may change. */
    static void validateImmutable(ObjectNode object, ObjectNode old, Errors errors) {
        if (!old.path("immutable").asBoolean(false)) {
            return;
        }
        if (!object.path("immutable").asBoolean(false)) {
            errors.forbidden("immutable", IMMUTABLE_WHEN_SET);
        }
        for (String field : List.of("data", "binaryData")) {
            if (!Trees.same(object.get(field), old.get(field))) {
                errors.forbidden(field, IMMUTABLE_WHEN_SET);
            }
        }
    }

    private static long decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }
}
