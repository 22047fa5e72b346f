package dev.kapal.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusCause;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomResourceStrategyTest {

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static final ObjectNode SCHEMA = json("""
            {'type':'object','properties':{
              'spec':{'type':'object','required':['cronSpec'],'properties':{
                'cronSpec':{'type':'string','pattern':'^[*0-9/ ]+$','minLength':3,'maxLength':20},
                'image':{'type':'string','default':'busybox'},
                'replicas':{'type':'integer','minimum':1,'maximum':10,'format':'int32','default':1},
                'mode':{'type':'string','enum':['Fast','Slow']},
                'ratio':{'type':'number','exclusiveMinimum':true,'minimum':0},
                'tags':{'type':'array','maxItems':2,'minItems':1,'items':{'type':'string'},'x-kubernetes-list-type':'set'},
                'port':{'x-kubernetes-int-or-string':true},
                'note':{'type':'string','nullable':true},
                'labels':{'type':'object','additionalProperties':{'type':'string'}},
                'free':{'type':'object','x-kubernetes-preserve-unknown-fields':true,'properties':{'known':{'type':'integer'}}},
                'template':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'spec':{'type':'object'}}},
                'nested':{'type':'object','properties':{'depth':{'type':'integer','default':3}},'default':{}}
              }},
              'status':{'type':'object','properties':{'replicas':{'type':'integer'}}}
            }}""");

    private final CustomResourceStrategy strategy = new CustomResourceStrategy(new StructuralSchema(SCHEMA), false);

    private ObjectNode crontab(String spec) {
        return json("{'apiVersion':'stable.example.com/v1','kind':'CronTab','metadata':{'name':'c','namespace':'default'},"
                + "'spec':" + spec + "}");
    }

    private List<String> causes(String spec) {
        ObjectNode object = crontab(spec);
        strategy.applyDefaults(object);
        return strategy.validate(object).stream().map(StatusCause::describe).toList();
    }

    @Test
    void typeMismatchesAreReportedAsUpstreamDoes() {
        assertThat(causes("{'cronSpec':5,'replicas':'three'}")).containsExactly(
                "spec.cronSpec: Invalid value: \"integer\": spec.cronSpec in body must be of type string: \"integer\"",
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
        assertThat(strategy.validate(prepared("{'cronSpec':5}")).get(0).reason()).isEqualTo("FieldValueTypeInvalid");
        assertThat(causes("{'cronSpec':'* * *','replicas':1.5}")).containsExactly(
                "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"");
    }

    private ObjectNode prepared(String spec) {
        ObjectNode object = crontab(spec);
        strategy.applyDefaults(object);
        return object;
    }

    @Test
    void requiredEnumBoundsLengthsAndPattern() {
        assertThat(causes("{}")).containsExactly("spec.cronSpec: Required value");
        assertThat(causes("{'cronSpec':'* *','mode':'Medium'}"))
                .containsExactly("spec.mode: Unsupported value: \"Medium\": supported values: \"Fast\", \"Slow\"");
        assertThat(causes("{'cronSpec':'* *','replicas':0}"))
                .containsExactly("spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1");
        assertThat(causes("{'cronSpec':'* *','replicas':11}"))
                .containsExactly("spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10");
        assertThat(causes("{'cronSpec':'* *','ratio':0}"))
                .containsExactly("spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0");
        assertThat(causes("{'cronSpec':'*'}"))
                .containsExactly("spec.cronSpec: Invalid value: \"*\": spec.cronSpec in body should be at least 3 chars long");
        assertThat(causes("{'cronSpec':'* * * * * * * * * * * *'}"))
                .containsExactly("spec.cronSpec: Too long: may not be more than 20 bytes");
        assertThat(causes("{'cronSpec':'abc'}"))
                .containsExactly("spec.cronSpec: Invalid value: \"abc\": spec.cronSpec in body should match '^[*0-9/ ]+$'");
    }

    @Test
    void arraysNullsIntOrStringAndFormats() {
        assertThat(causes("{'cronSpec':'* *','tags':['a','b','c']}"))
                .containsExactly("spec.tags: Too many: 3: must have at most 2 items");
        assertThat(causes("{'cronSpec':'* *','tags':[]}"))
                .containsExactly("spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items");
        assertThat(causes("{'cronSpec':'* *','tags':['a','a']}")).containsExactly("spec.tags[1]: Duplicate value: \"a\"");
        assertThat(causes("{'cronSpec':'* *','tags':[1]}"))
                .containsExactly("spec.tags[0]: Invalid value: \"integer\": spec.tags[0] in body must be of type string: \"integer\"");
        assertThat(causes("{'cronSpec':'* *','note':null,'port':'http'}")).isEmpty();
        assertThat(causes("{'cronSpec':'* *','port':8080}")).isEmpty();
        assertThat(causes("{'cronSpec':'* *','port':true}")).hasSize(1);
        assertThat(causes("{'cronSpec':'* *','image':null}")).isEmpty(); // defaulted, not null any more
        assertThat(causes("{'cronSpec':'* *','mode':null}"))
                .containsExactly("spec.mode: Invalid value: \"null\": spec.mode in body must be of type string: \"null\"");
        assertThat(causes("{'cronSpec':'* *','replicas':3000000000}")).contains(
                "spec.replicas: Invalid value: 3000000000: spec.replicas in body must be of type int32");
        assertThat(causes("{'cronSpec':'* *','labels':{'a':1}}"))
                .containsExactly("spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"");
    }

    @Test
    void pruningDropsUnknownFieldsButKeepsPreservedOnesAndMetadata() {
        ObjectNode object = prepared("{'cronSpec':'* *','unknown':1,'free':{'anything':{'x':1},'known':2},"
                + "'template':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{},'extra':true}}");
        object.put("topLevelUnknown", true);
        strategy.applyDefaults(object);
        assertThat(object.has("topLevelUnknown")).isFalse();
        assertThat(object.path("metadata").path("name").asText()).isEqualTo("c");
        assertThat(object.path("spec").has("unknown")).isFalse();
        assertThat(object.path("spec").path("free").path("anything").path("x").asInt()).isEqualTo(1);
        assertThat(object.path("spec").path("template").path("kind").asText()).isEqualTo("Pod");
        assertThat(object.path("spec").path("template").has("extra")).isFalse();
    }

    @Test
    void defaultsFillAbsentFieldsIncludingInsideDefaultedObjects() {
        ObjectNode object = prepared("{'cronSpec':'* *'}");
        assertThat(object.path("spec").path("image").asText()).isEqualTo("busybox");
        assertThat(object.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(object.path("spec").path("nested").path("depth").asInt()).isEqualTo(3);
        ObjectNode explicit = prepared("{'cronSpec':'* *','replicas':4}");
        assertThat(explicit.path("spec").path("replicas").asInt()).isEqualTo(4);
    }

    @Test
    void embeddedResourcesNeedTypeMeta() {
        assertThat(causes("{'cronSpec':'* *','template':{'spec':{}}}")).containsExactly(
                "spec.template.apiVersion: Required value: must not be empty",
                "spec.template.kind: Required value: must not be empty");
    }

    @Test
    void statusUpdatesArePrunedAndValidated() {
        ObjectNode object = prepared("{'cronSpec':'* *'}");
        object.set("status", json("{'replicas':'x','bogus':1}"));
        List<StatusCause> causes = strategy.validateStatusUpdate(object, object.deepCopy());
        assertThat(object.path("status").has("bogus")).isFalse();
        assertThat(causes).extracting(StatusCause::field).containsExactly("status.replicas");
    }

    @Test
    void terminatingDefinitionsRefuseNewObjects() {
        CustomResourceStrategy terminating = new CustomResourceStrategy(new StructuralSchema(SCHEMA), true);
        assertThatThrownBy(() -> terminating.prepareForCreate(crontab("{}")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(405))
                .hasMessageContaining("create not allowed while custom resource definition is terminating");
    }

    @Test
    void versionsAreOrderedByKubernetesPriority() {
        assertThat(List.of("v1alpha1", "foo", "v2beta1", "v1", "v1beta2", "v2", "v1beta1", "bar").stream()
                .sorted(CrdDefinitions.VERSION_PRIORITY).toList())
                .containsExactly("v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo");
    }
}
