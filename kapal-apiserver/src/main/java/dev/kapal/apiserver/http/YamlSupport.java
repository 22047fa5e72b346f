package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kapal.api.ApiException;
import java.io.IOException;

/** YAML request bodies (single document). */
final class YamlSupport {
    private static final YAMLMapper MAPPER = new YAMLMapper();

    private YamlSupport() {
    }

    static JsonNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return node;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.badRequest("the request body is not valid YAML: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }
}
