package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small OpenAPI schema in the shape of the built-ins (a deployment-like kind), for the tests. */
final class Types {
    private Types() {
    }

    static JsonNode json(String text) {
        return Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    static final Map<String, JsonNode> DEFINITIONS = Map.of(
            "Thing", json("""
                    {'type':'object','properties':{
                      'apiVersion':{'type':'string'},'kind':{'type':'string'},
                      'metadata':{'$ref':'#/components/schemas/Meta'},
                      'spec':{'allOf':[{'$ref':'#/components/schemas/Spec'}]},
                      'status':{'type':'object','properties':{'ready':{'type':'integer'}}}}}"""),
            "Meta", json("""
                    {'type':'object','properties':{
                      'name':{'type':'string'},'namespace':{'type':'string'},'uid':{'type':'string'},
                      'labels':{'type':'object','additionalProperties':{'type':'string'}},
                      'annotations':{'type':'object','additionalProperties':{'type':'string'}},
                      'finalizers':{'type':'array','items':{'type':'string'},'x-kubernetes-list-type':'set'},
                      'managedFields':{'type':'array','items':{'type':'object'},'x-kubernetes-list-type':'atomic'}}}"""),
            "Spec", json("""
                    {'type':'object','properties':{
                      'replicas':{'type':'integer'},
                      'selector':{'$ref':'#/components/schemas/Selector'},
                      'args':{'type':'array','items':{'type':'string'}},
                      'containers':{'type':'array','items':{'$ref':'#/components/schemas/Container'},
                        'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name']},
                      'env':{'type':'array','items':{'type':'object','properties':{'name':{'type':'string'},'value':{'type':'string'}}},
                        'x-kubernetes-patch-strategy':'merge','x-kubernetes-patch-merge-key':'name'},
                      'raw':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}"""),
            "Selector", json("""
                    {'type':'object','properties':{'matchLabels':{'type':'object','additionalProperties':{'type':'string'}}}}"""),
            "Container", json("""
                    {'type':'object','properties':{'name':{'type':'string'},'image':{'type':'string'},
                      'ports':{'type':'array','items':{'$ref':'#/components/schemas/Port'},
                        'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['containerPort','protocol']}}}"""),
            "Port", json("""
                    {'type':'object','properties':{'containerPort':{'type':'integer'},'protocol':{'type':'string','default':'TCP'}}}"""));

    static final OpenApiFieldTypes TYPES = new OpenApiFieldTypes(name -> Optional.ofNullable(DEFINITIONS.get(name)),
            Set.of("Selector"));

    static final FieldType THING = TYPES.named("Thing");

    static FieldManager.Context context(String now) {
        return new FieldManager.Context(THING, "example.com/v1", "", Set.of("status"), now, true);
    }
}
