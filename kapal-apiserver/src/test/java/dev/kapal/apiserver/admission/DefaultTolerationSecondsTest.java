package dev.kapal.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultTolerationSecondsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DefaultTolerationSeconds admission = new DefaultTolerationSeconds();

    private static ResourceInfo info(String group, String version, String plural) {
        GroupVersionResource gvr = new GroupVersionResource(group, version, plural);
        return BuiltinKinds.all().stream().map(ResourceDefinition::info).filter(i -> i.gvr().equals(gvr)).findFirst().orElseThrow();
    }

    private static ObjectNode pod(String tolerationsJson) throws Exception {
        return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"
                + (tolerationsJson.isEmpty() ? "" : ",\"tolerations\":" + tolerationsJson) + "}}");
    }

    private static List<String> tolerations(ObjectNode pod) {
        List<String> found = new ArrayList<>();
        for (JsonNode toleration : pod.path("spec").path("tolerations")) {
            found.add(toleration.path("key").asText() + "|" + toleration.path("operator").asText() + "|"
                    + toleration.path("effect").asText() + "|" + toleration.path("tolerationSeconds").asText("-"));
        }
        return found;
    }

    private ObjectNode admit(ObjectNode pod) {
        admission.admit(info("", "v1", "pods"), Admission.Operation.CREATE, pod, Optional.empty());
        return pod;
    }

    @Test
    void aPodWithoutTolerationsGetsBothForThreeHundredSeconds() throws Exception {
        assertThat(tolerations(admit(pod("")))).containsExactly(
                "node.kubernetes.io/not-ready|Exists|NoExecute|300",
                "node.kubernetes.io/unreachable|Exists|NoExecute|300");
    }

    @Test
    void anExplicitNoExecuteTolerationIsLeftAndOnlyTheOtherIsAdded() throws Exception {
        ObjectNode pod = admit(pod("[{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
                + "\"effect\":\"NoExecute\",\"tolerationSeconds\":6000}]"));
        assertThat(tolerations(pod)).containsExactly(
                "node.kubernetes.io/unreachable|Exists|NoExecute|6000",
                "node.kubernetes.io/not-ready|Exists|NoExecute|300");
    }

    @Test
    void aTolerationOfEverythingOrOfEveryEffectCounts() throws Exception {
        assertThat(tolerations(admit(pod("[{\"operator\":\"Exists\"}]")))).containsExactly("|Exists||-");
        assertThat(tolerations(admit(pod("[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\"}]"))))
                .containsExactly("node.kubernetes.io/not-ready|Exists||-", "node.kubernetes.io/unreachable|Exists|NoExecute|300");
    }

    @Test
    void aNoScheduleTolerationDoesNotCount() throws Exception {
        assertThat(tolerations(admit(pod("[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]"))))
                .containsExactly("node.kubernetes.io/not-ready|Exists|NoSchedule|-",
                        "node.kubernetes.io/not-ready|Exists|NoExecute|300",
                        "node.kubernetes.io/unreachable|Exists|NoExecute|300");
    }

    @Test
    void admittingTwiceAddsNothingAndOtherResourcesAreLeftAlone() throws Exception {
        ObjectNode pod = admit(pod(""));
        ObjectNode once = pod.deepCopy();
        admission.admit(info("", "v1", "pods"), Admission.Operation.UPDATE, pod, Optional.of(once));
        assertThat(pod).isEqualTo(once);

        ObjectNode template = pod("");
        admission.admit(info("apps", "v1", "deployments"), Admission.Operation.CREATE, template, Optional.empty());
        assertThat(tolerations(template)).isEmpty();
    }
}
