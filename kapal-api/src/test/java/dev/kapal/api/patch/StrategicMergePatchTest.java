package dev.kapal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StrategicMergePatchTest {
    static final GroupVersionKind POD = new GroupVersionKind("", "v1", "Pod");
    static final GroupVersionKind DEPLOYMENT = new GroupVersionKind("apps", "v1", "Deployment");
    static final GroupVersionKind NODE = new GroupVersionKind("", "v1", "Node");
    static final GroupVersionKind CONFIG_MAP = new GroupVersionKind("", "v1", "ConfigMap");

    static JsonNode json(String text) {
        return Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode apply(GroupVersionKind kind, String original, String patch) {
        return StrategicMergePatch.apply(json(original), json(patch), PatchMeta.builtin(), kind);
    }

    /** One documented behaviour: a pod (or other kind) before, a patch, the expected result. */
    record Case(String name, GroupVersionKind kind, String original, String patch, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("maps merge and null deletes", CONFIG_MAP,
                        "{'metadata':{'labels':{'a':'1','b':'2'}},'data':{'x':'1'}}",
                        "{'metadata':{'labels':{'b':null,'c':'3'}},'data':{'y':'2'}}",
                        "{'metadata':{'labels':{'a':'1','c':'3'}},'data':{'x':'1','y':'2'}}"),
                new Case("null for an absent key is dropped", CONFIG_MAP,
                        "{'data':{'x':'1'}}", "{'data':{'nope':null},'binaryData':null}", "{'data':{'x':'1'}}"),
                new Case("containers merge by name, other fields kept", POD,
                        "{'spec':{'containers':[{'name':'a','image':'a:1','ports':[{'containerPort':80}]},{'name':'b','image':'b:1'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'a:2'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'a:2','ports':[{'containerPort':80}]},{'name':'b','image':'b:1'}]}}"),
                // Without $setElementOrder upstream puts patch elements the server lacks first.
                new Case("new container without order goes first", POD,
                        "{'spec':{'containers':[{'name':'a','image':'a:1'}]}}",
                        "{'spec':{'containers':[{'name':'c','image':'c:1'}]}}",
                        "{'spec':{'containers':[{'name':'c','image':'c:1'},{'name':'a','image':'a:1'}]}}"),
                new Case("new container with order goes where the order says", POD,
                        "{'spec':{'containers':[{'name':'a','image':'a:1'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'c'}],'containers':[{'name':'c','image':'c:1'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'c','image':'c:1'}]}}"),
                new Case("$patch delete removes the element by key", POD,
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'$patch':'delete','name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'b'}]}}"),
                new Case("$patch replace in a list replaces the list", POD,
                        "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'c'},{'$patch':'replace'}]}}",
                        "{'spec':{'containers':[{'name':'c'}]}}"),
                new Case("$patch replace in a map replaces the map", DEPLOYMENT,
                        "{'spec':{'selector':{'matchLabels':{'a':'1'},'matchExpressions':[]}}}",
                        "{'spec':{'selector':{'$patch':'replace','matchLabels':{'b':'2'}}}}",
                        "{'spec':{'selector':{'matchLabels':{'b':'2'}}}}"),
                new Case("$patch delete in a map empties it", DEPLOYMENT,
                        "{'spec':{'selector':{'matchLabels':{'a':'1'}},'replicas':2}}",
                        "{'spec':{'selector':{'$patch':'delete'}}}",
                        "{'spec':{'selector':{},'replicas':2}}"),
                new Case("lists without a merge strategy are replaced (tolerations)", POD,
                        "{'spec':{'tolerations':[{'key':'a'},{'key':'b'}]}}",
                        "{'spec':{'tolerations':[{'key':'c'}]}}",
                        "{'spec':{'tolerations':[{'key':'c'}]}}"),
                new Case("node taints are replaced", NODE,
                        "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]}}",
                        "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}",
                        "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}"),
                new Case("finalizers merge as a set", CONFIG_MAP,
                        "{'metadata':{'finalizers':['a','b']}}",
                        "{'metadata':{'finalizers':['c','a']}}",
                        "{'metadata':{'finalizers':['c','a','b']}}"),
                new Case("$deleteFromPrimitiveList removes finalizers", CONFIG_MAP,
                        "{'metadata':{'finalizers':['a','b','c']}}",
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}",
                        "{'metadata':{'finalizers':['a','c']}}"),
                new Case("$deleteFromPrimitiveList with $setElementOrder", CONFIG_MAP,
                        "{'metadata':{'finalizers':['a','b','c']}}",
                        "{'metadata':{'$setElementOrder/finalizers':['c','a'],'$deleteFromPrimitiveList/finalizers':['b']}}",
                        "{'metadata':{'finalizers':['c','a']}}"),
                new Case("$setElementOrder orders merged containers", POD,
                        "{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b','image':'1'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'a','image':'2'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':'1'},{'name':'a','image':'2'}]}}"),
                new Case("server-only elements interleave by server position", POD,
                        "{'spec':{'containers':[{'name':'a'},{'name':'s'},{'name':'b'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'},{'name':'n'}],'containers':[{'name':'n'}]}}",
                        "{'spec':{'containers':[{'name':'a'},{'name':'s'},{'name':'b'},{'name':'n'}]}}"),
                new Case("env merges by name inside a merged container", DEPLOYMENT,
                        "{'spec':{'template':{'spec':{'containers':[{'name':'w','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':[{'name':'w','env':[{'name':'B','value':'3'},{'name':'C','value':'4'}]}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':[{'name':'w','env':[{'name':'A','value':'1'},{'name':'B','value':'3'},{'name':'C','value':'4'}]}]}}}}"),
                new Case("$retainKeys clears the other union members", DEPLOYMENT,
                        "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
                        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
                        "{'spec':{'strategy':{'type':'Recreate'}}}"),
                new Case("volumes merge by name with $retainKeys per element", POD,
                        "{'spec':{'volumes':[{'name':'v','emptyDir':{}},{'name':'w','emptyDir':{}}]}}",
                        "{'spec':{'volumes':[{'$retainKeys':['configMap','name'],'name':'v','configMap':{'name':'cm'}}]}}",
                        "{'spec':{'volumes':[{'name':'v','configMap':{'name':'cm'}},{'name':'w','emptyDir':{}}]}}"),
                new Case("service ports merge by port", new GroupVersionKind("", "v1", "Service"),
                        "{'spec':{'ports':[{'port':80,'name':'http'},{'port':443,'name':'https'}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':8080}]}}",
                        "{'spec':{'ports':[{'port':80,'name':'http','targetPort':8080},{'port':443,'name':'https'}]}}"),
                new Case("directives in a new subtree are dropped", DEPLOYMENT,
                        "{'spec':{}}",
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'a','image':'x','env':[{'$patch':'delete','name':'Z'}]}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x','env':[]}]}}}}"),
                new Case("owner references merge by uid on any kind", CONFIG_MAP,
                        "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'2','name':'b'}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'2','name':'b'},{'uid':'1','name':'a'}]}}"),
                new Case("cronjob pod template containers merge", new GroupVersionKind("batch", "v1", "CronJob"),
                        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'1','args':['x']}]}}}}}}",
                        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'2'}]}}}}}}",
                        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'2','args':['x']}]}}}}}}"),
                new Case("a value of another type replaces", CONFIG_MAP,
                        "{'data':{'x':'1'}}", "{'data':['a']}", "{'data':['a']}"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void appliesAsUpstreamDocuments(Case c) {
        JsonNode original = json(c.original());
        JsonNode before = original.deepCopy();
        assertThat(StrategicMergePatch.apply(original, json(c.patch()), PatchMeta.builtin(), c.kind()))
                .isEqualTo(json(c.expected()));
        assertThat(original).as("original untouched").isEqualTo(before);
    }

    @Test
    void malformedBodiesAreBadRequests() {
        for (String body : List.of("[1]", "1", "\"x\"", "{")) {
            assertThatThrownBy(() -> StrategicMergePatch.parse(body.getBytes(StandardCharsets.UTF_8))).as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        assertThat(StrategicMergePatch.parse("null".getBytes(StandardCharsets.UTF_8))).isEqualTo(json("{}"));
    }

    @Test
    void malformedDirectivesFailWithUpstreamsCodes() {
        assertCode(400, DEPLOYMENT, "{'spec':{'strategy':{'type':'A'}}}", "{'spec':{'strategy':{'$retainKeys':'type'}}}");
        assertCode(400, DEPLOYMENT, "{'spec':{'strategy':{'type':'A'}}}",
                "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{}}}}");
        assertCode(400, POD, "{'spec':{}}", "{'spec':{'$setElementOrderX':[]}}");
        assertCode(400, CONFIG_MAP, "{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveListfinalizers':['a']}}");
        assertCode(500, POD, "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'$patch':'bogus','name':'a'}]}}");
        assertCode(500, POD, "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'image':'x'}]}}");
        assertCode(500, POD, "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'$patch':'merge'}]}}");
        assertCode(500, DEPLOYMENT, "{'spec':{'strategy':{}}}", "{'spec':{'strategy':{'$patch':'bogus'}}}");
        assertCode(422, CONFIG_MAP, "{'metadata':{'finalizers':[]}}", "{'metadata':{'finalizers':[['b']]}}");
        assertCode(500, CONFIG_MAP, "{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':[['b']]}}");
        assertCode(500, POD, "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                "{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'b'}]}}");
    }

    @Test
    void unknownPatchTypeMessageMatchesUpstream() {
        assertThatThrownBy(() -> apply(POD, "{'spec':{'containers':[{'name':'a'}]}}",
                "{'spec':{'containers':[{'$patch':'bogus','name':'a'}]}}"))
                .hasMessage("unknown patch type: bogus in map: map[$patch:bogus name:a]");
    }

    private static void assertCode(int code, GroupVersionKind kind, String original, String patch) {
        assertThatThrownBy(() -> apply(kind, original, patch)).as(patch)
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
