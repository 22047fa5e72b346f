package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.Strategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Test helpers: objects from YAML, strategies by resource, and the create pipeline. */
final class Objects {
    private static final YAMLMapper YAML = new YAMLMapper();

    private Objects() {
    }

    static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Strategy strategy(String apiVersion, String plural) {
        GroupVersion gv = GroupVersion.parse(apiVersion);
        return BuiltinKinds.all().stream().map(ResourceDefinition::info)
                .filter(info -> info.groupVersion().equals(gv) && info.plural().equals(plural)).findFirst()
                .flatMap(info -> BuiltinKinds.all().stream().filter(d -> d.info().equals(info)).findFirst())
                .orElseThrow().strategy();
    }

    /** The order the generic store promises on create: prepare, default, validate. */
    static List<StatusCause> create(Strategy strategy, ObjectNode object) {
        strategy.prepareForCreate(object);
        strategy.applyDefaults(object);
        return strategy.validate(object);
    }

    static List<StatusCause> update(Strategy strategy, ObjectNode object, ObjectNode old) {
        strategy.prepareForUpdate(object, old);
        strategy.applyDefaults(object);
        return strategy.validateUpdate(object, old);
    }
}
