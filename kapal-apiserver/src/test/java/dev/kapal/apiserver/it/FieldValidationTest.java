package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fieldValidation=Strict|Warn|Ignore} on create, update and patch, for built-in kinds (their
 * schema from the model) and custom resources (their CRD's structural schema).
 */
@Timeout(60)
class FieldValidationTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

    private RawHttp http() {
        return new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
    }

    private static byte[] json(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static String deployment(String name, String extraSpec) {
        return "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'" + name + "'},'spec':{" + extraSpec
                + "'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},"
                + "'spec':{'containers':[{'name':'c','image':'nginx','bogus':1}]}}}}";
    }

    @Test
    void strictRefusesUnknownAndDuplicateFieldsWithUpstreamsMessage() {
        RawHttp.Answer answer = http().send("POST", DEPLOYMENTS + "?fieldValidation=Strict", "application/json",
                json(deployment("strict", "'replicas':1,'replicas':2,'foo':'bar',")));

        assertThat(answer.status()).isEqualTo(400);
        JsonNode status = answer.jsonOrFail();
        assertThat(status.path("reason").asText()).isEqualTo("BadRequest");
        assertThat(status.path("message").asText()).isEqualTo("Deployment in version \"v1\" cannot be handled as a Deployment: "
                + "strict decoding error: unknown field \"spec.foo\", "
                + "unknown field \"spec.template.spec.containers[0].bogus\", duplicate field \"spec.replicas\"");
        assertThat(http().get(DEPLOYMENTS + "/strict").status()).isEqualTo(404);
    }

    @Test
    void warnDropsUnknownFieldsKeepsTheLastDuplicateAndSaysSoInWarningHeaders() {
        RawHttp.Answer answer = http().send("POST", DEPLOYMENTS + "?fieldValidation=Warn", "application/json",
                json(deployment("warned", "'replicas':1,'replicas':2,'foo':'bar',")));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.headers().allValues("Warning")).containsExactly(
                "299 - \"unknown field \\\"spec.foo\\\"\"",
                "299 - \"unknown field \\\"spec.template.spec.containers[0].bogus\\\"\"",
                "299 - \"duplicate field \\\"spec.replicas\\\"\"");
        JsonNode created = answer.jsonOrFail();
        assertThat(created.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(created.path("spec").has("foo")).isFalse();
        assertThat(created.path("spec").path("template").path("spec").path("containers").get(0).has("bogus")).isFalse();
    }

    @Test
    void warnIsTheDefaultAndIgnoreDropsSilently() {
        RawHttp.Answer byDefault = http().send("POST", CONFIG_MAPS, "application/json",
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'default-mode','bogus':true},'data':{'a':'b'},'extra':1}"));
        assertThat(byDefault.status()).isEqualTo(201);
        assertThat(byDefault.headers().allValues("Warning"))
                .containsExactly("299 - \"unknown field \\\"metadata.bogus\\\"\"", "299 - \"unknown field \\\"extra\\\"\"");

        RawHttp.Answer ignored = http().send("POST", CONFIG_MAPS + "?fieldValidation=Ignore", "application/json",
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'ignored'},'data':{'a':'b'},'extra':1}"));
        assertThat(ignored.status()).isEqualTo(201);
        assertThat(ignored.headers().allValues("Warning")).isEmpty();
        assertThat(ignored.jsonOrFail().has("extra")).isFalse();

        RawHttp.Answer unsupported = http().send("POST", CONFIG_MAPS + "?fieldValidation=Loud", "application/json",
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'loud'}}"));
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.jsonOrFail().path("message").asText()).contains("Unsupported value: \"Loud\"");
    }

    @Test
    void updatesAndPatchesAreCheckedToo() {
        RawHttp http = http();
        assertThat(http.send("POST", CONFIG_MAPS, "application/json",
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'patched'},'data':{'a':'b'}}")).status()).isEqualTo(201);

        RawHttp.Answer merge = http.send("PATCH", CONFIG_MAPS + "/patched?fieldValidation=Strict", "application/merge-patch+json",
                json("{'data':{'c':'d'},'spec':{'x':1}}"));
        assertThat(merge.status()).isEqualTo(400);
        assertThat(merge.jsonOrFail().path("message").asText()).endsWith("strict decoding error: unknown field \"spec\"");

        RawHttp.Answer strategic = http.send("PATCH", CONFIG_MAPS + "/patched?fieldValidation=Warn",
                "application/strategic-merge-patch+json", json("{'data':{'c':'d'},'bogus':1}"));
        assertThat(strategic.status()).isEqualTo(200);
        assertThat(strategic.headers().allValues("Warning")).containsExactly("299 - \"unknown field \\\"bogus\\\"\"");
        assertThat(strategic.jsonOrFail().path("data").path("c").asText()).isEqualTo("d");
        assertThat(strategic.jsonOrFail().has("bogus")).isFalse();

        JsonNode current = http.get(CONFIG_MAPS + "/patched").jsonOrFail();
        String replaced = current.toString().replace("\"data\":{", "\"other\":true,\"data\":{");
        RawHttp.Answer update = http.send("PUT", CONFIG_MAPS + "/patched?fieldValidation=Strict", "application/json",
                replaced.getBytes(StandardCharsets.UTF_8));
        assertThat(update.status()).isEqualTo(400);
        assertThat(update.jsonOrFail().path("message").asText())
                .isEqualTo("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"other\"");
    }

    @Test
    void customResourcesAreCheckedAgainstTheirStructuralSchema() {
        RawHttp http = http();
        RawHttp.Answer crd = http.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "application/json", json("""
                {'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',
                 'metadata':{'name':'crontabs.stable.example.com'},
                 'spec':{'group':'stable.example.com','scope':'Namespaced',
                  'names':{'plural':'crontabs','singular':'crontab','kind':'CronTab','shortNames':['ct']},
                  'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object',
                   'properties':{'spec':{'type':'object','properties':{
                     'cronSpec':{'type':'string'},
                     'free':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}}}}}]}}
                """));
        assertThat(crd.status()).isEqualTo(201);
        String crontabs = "/apis/stable.example.com/v1/namespaces/default/crontabs";
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get(crontabs).status() == 200);

        RawHttp.Answer strict = http.send("POST", crontabs + "?fieldValidation=Strict", "application/json", json(
                "{'apiVersion':'stable.example.com/v1','kind':'CronTab','metadata':{'name':'a'},"
                        + "'spec':{'cronSpec':'* * * * */5','image':'x','free':{'anything':{'goes':1}}}}"));
        assertThat(strict.status()).isEqualTo(400);
        assertThat(strict.jsonOrFail().path("message").asText()).endsWith("strict decoding error: unknown field \"spec.image\"");

        RawHttp.Answer warned = http.send("POST", crontabs + "?fieldValidation=Warn", "application/json", json(
                "{'apiVersion':'stable.example.com/v1','kind':'CronTab','metadata':{'name':'b'},"
                        + "'spec':{'cronSpec':'* * * * */5','image':'x','free':{'anything':{'goes':1}}}}"));
        assertThat(warned.status()).isEqualTo(201);
        assertThat(warned.headers().allValues("Warning")).isEqualTo(List.of("299 - \"unknown field \\\"spec.image\\\"\""));
        assertThat(warned.jsonOrFail().path("spec").has("image")).isFalse();
        assertThat(warned.jsonOrFail().path("spec").path("free").path("anything").path("goes").asInt()).isEqualTo(1);
    }
}
