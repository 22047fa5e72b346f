package dev.kapal.api.patch;

import static dev.kapal.api.patch.StrategicMergePatchTest.DEPLOYMENT;
import static dev.kapal.api.patch.StrategicMergePatchTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The exact bodies kubectl 1.33 sent (captured with {@code -v=8} against a running Kapal) for
 * the commands that use strategic merge patch, applied to the objects they were sent for.
 */
class StrategicMergePatchKubectlTest {
    private static final GroupVersionKind NODE = new GroupVersionKind("", "v1", "Node");
    private static final GroupVersionKind CONFIG_MAP = new GroupVersionKind("", "v1", "ConfigMap");

    /** A two-container deployment as the server stores it (defaults filled in). */
    private static final String APP = """
            {"metadata":{"name":"app","labels":{"app":"app"}},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"app"}},
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
              "template":{"metadata":{"labels":{"app":"app"}},"spec":{"containers":[
               {"name":"web","image":"nginx:1.25","imagePullPolicy":"IfNotPresent",
                "ports":[{"containerPort":80,"name":"http","protocol":"TCP"}],
                "env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}],
                "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
               {"name":"sidecar","image":"busybox:1.36","command":["sleep","infinity"],
                "ports":[{"containerPort":9090,"protocol":"TCP"}],"env":[{"name":"MODE","value":"side"}]}],
               "restartPolicy":"Always","dnsPolicy":"ClusterFirst"}}}}
            """;

    private static JsonNode apply(GroupVersionKind kind, String original, String patch) {
        return StrategicMergePatch.apply(json(original), StrategicMergePatch.parse(patch.getBytes(StandardCharsets.UTF_8)),
                PatchMeta.builtin(), kind);
    }

    private static ObjectNode expected(String original, String pointer, String value) {
        ObjectNode copy = (ObjectNode) json(original).deepCopy();
        ObjectNode parent = (ObjectNode) copy.at(pointer.substring(0, pointer.lastIndexOf('/')));
        parent.set(pointer.substring(pointer.lastIndexOf('/') + 1), json(value));
        return copy;
    }

    @Test
    void applyChangingOneImageAndRemovingOneEnvVar() {
        // last-applied-configuration annotation left out: it is an opaque string.
        String patch = """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                 "containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"$patch":"delete","name":"B"}],
                 "image":"nginx:1.26","name":"web"}]}}}}
                """;
        JsonNode patched = apply(DEPLOYMENT, APP, patch);
        JsonNode web = patched.at("/spec/template/spec/containers/0");
        assertThat(web.get("image").asText()).isEqualTo("nginx:1.26");
        assertThat(web.get("env")).isEqualTo(json("[{'name':'A','value':'1'},{'name':'C','value':'3'}]"));
        assertThat(web.get("ports")).isEqualTo(json("[{'containerPort':80,'name':'http','protocol':'TCP'}]"));
        assertThat(web.get("terminationMessagePolicy").asText()).isEqualTo("File");
        assertThat(patched.at("/spec/template/spec/containers/1")).isEqualTo(json(APP).at("/spec/template/spec/containers/1"));
        assertThat(patched.at("/spec/template/spec/containers").size()).isEqualTo(2);
    }

    @Test
    void setImage() {
        String patch = """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                 "containers":[{"image":"nginx:1.26","name":"web"}]}}}}
                """;
        assertThat(apply(DEPLOYMENT, APP, patch)).isEqualTo(expected(APP, "/spec/template/spec/containers/0/image", "'nginx:1.26'"));
    }

    @Test
    void patchWithoutOrderKeepsTheOtherContainerFields() {
        JsonNode patched = apply(DEPLOYMENT, APP, "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}");
        assertThat(patched).isEqualTo(expected(APP, "/spec/template/spec/containers/0/image", "'nginx:1.27'"));
    }

    @Test
    void setEnvOnTheSecondContainer() {
        String patch = """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                 "containers":[{"$setElementOrder/env":[{"name":"MODE"},{"name":"EXTRA"}],
                 "env":[{"name":"MODE","value":"main"},{"name":"EXTRA","value":"1"}],"name":"sidecar"}]}}}}
                """;
        assertThat(apply(DEPLOYMENT, APP, patch)).isEqualTo(expected(APP, "/spec/template/spec/containers/1/env",
                "[{'name':'MODE','value':'main'},{'name':'EXTRA','value':'1'}]"));
    }

    @Test
    void setResources() {
        String patch = """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                 "containers":[{"name":"web","resources":{"limits":{"cpu":"200m","memory":"64Mi"}}}]}}}}
                """;
        assertThat(apply(DEPLOYMENT, APP, patch)).isEqualTo(expected(APP, "/spec/template/spec/containers/0/resources",
                "{'limits':{'cpu':'200m','memory':'64Mi'}}"));
    }

    @Test
    void rolloutRestart() {
        String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-22T03:01:02Z\"}}}}}";
        assertThat(apply(DEPLOYMENT, APP, patch)).isEqualTo(expected(APP, "/spec/template/metadata/annotations",
                "{'kubectl.kubernetes.io/restartedAt':'2026-11-22T03:01:02Z'}"));
    }

    @Test
    void cordon() {
        assertThat(apply(NODE, "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":\"10.42.0.0/24\"}}",
                "{\"spec\":{\"unschedulable\":true}}"))
                .isEqualTo(json("{'metadata':{'name':'n1'},'spec':{'podCIDR':'10.42.0.0/24','unschedulable':true}}"));
    }

    @Test
    void labelAndUnlabel() {
        JsonNode labelled = apply(DEPLOYMENT, APP, "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
        assertThat(labelled.at("/metadata/labels")).isEqualTo(json("{'app':'app','tier':'front'}"));
        JsonNode unlabelled = StrategicMergePatch.apply(labelled, json("{'metadata':{'labels':{'tier':null}}}"),
                PatchMeta.builtin(), DEPLOYMENT);
        assertThat(unlabelled).isEqualTo(json(APP));
    }

    @Test
    void applyRemovingAFinalizer() {
        String original = "{\"metadata\":{\"name\":\"fin\",\"finalizers\":[\"example.com/a\",\"example.com/b\",\"example.com/c\"]},\"data\":{\"x\":\"1\"}}";
        String patch = """
                {"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/b"],
                 "$setElementOrder/finalizers":["example.com/a","example.com/c"]}}
                """;
        assertThat(apply(CONFIG_MAP, original, patch))
                .isEqualTo(json("{'metadata':{'name':'fin','finalizers':['example.com/a','example.com/c']},'data':{'x':'1'}}"));
    }
}
