package dev.kapal.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriorityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<ObjectNode> classes = new ArrayList<>();
    private final Priority admission = new Priority(() -> List.copyOf(classes));

    private static ResourceInfo info(String group, String version, String plural) {
        GroupVersionResource gvr = new GroupVersionResource(group, version, plural);
        return BuiltinKinds.all().stream().map(ResourceDefinition::info).filter(i -> i.gvr().equals(gvr)).findFirst().orElseThrow();
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    private void priorityClass(String name, int value, boolean globalDefault, String policy) throws Exception {
        classes.add(json("{\"metadata\":{\"name\":\"" + name + "\"},\"value\":" + value + ",\"globalDefault\":" + globalDefault
                + ",\"preemptionPolicy\":\"" + policy + "\"}"));
    }

    /** A pod as it reaches admission: neither priority nor preemption policy, unless a test adds them. */
    private static ObjectNode pod(String className) throws Exception {
        return json("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"
                + (className.isEmpty() ? "" : ",\"priorityClassName\":\"" + className + "\"") + "}}");
    }

    private ObjectNode admit(ObjectNode pod) {
        admission.admit(info("", "v1", "pods"), Admission.Operation.CREATE, pod, Optional.empty());
        return pod;
    }

    @Test
    void theClassGivesPriorityAndPolicy() throws Exception {
        priorityClass("high", 1000, false, "Never");
        ObjectNode pod = admit(pod("high"));
        assertThat(pod.path("spec").path("priority").asInt()).isEqualTo(1000);
        assertThat(pod.path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");
    }

    @Test
    void withoutAClassTheGlobalDefaultAppliesAndNamesItself() throws Exception {
        ObjectNode plain = admit(pod(""));
        assertThat(plain.path("spec").path("priority").isInt()).isTrue();
        assertThat(plain.path("spec").path("priority").asInt()).isZero();
        assertThat(plain.path("spec").path("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
        assertThat(plain.path("spec").has("priorityClassName")).isFalse();

        priorityClass("everyone", 50, true, "PreemptLowerPriority");
        ObjectNode defaulted = admit(pod(""));
        assertThat(defaulted.path("spec").path("priority").asInt()).isEqualTo(50);
        assertThat(defaulted.path("spec").path("priorityClassName").asText()).isEqualTo("everyone");
    }

    @Test
    void anUnknownClassOrAConflictingPriorityIsForbidden() throws Exception {
        assertThatThrownBy(() -> admit(pod("missing"))).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo("pods \"p\" is forbidden: no PriorityClass with name missing was found");
        });
        priorityClass("low", 10, false, "PreemptLowerPriority");
        ObjectNode pod = pod("low");
        pod.with("spec").put("priority", 7);
        assertThatThrownBy(() -> admit(pod)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
                .isEqualTo("pods \"p\" is forbidden: the integer value of priority (7) must not be provided in pod spec; "
                        + "priority admission controller computed 10 from the given PriorityClass name"));

        ObjectNode never = pod("low");
        never.with("spec").put("preemptionPolicy", "Never");
        assertThatThrownBy(() -> admit(never)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
                .isEqualTo("pods \"p\" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; "
                        + "priority admission controller computed PreemptLowerPriority from the given PriorityClass name"));
        ObjectNode same = pod("low");
        same.with("spec").put("priority", 10).put("preemptionPolicy", "PreemptLowerPriority");
        assertThat(admit(same).path("spec").path("priority").asInt()).isEqualTo(10);
    }

    @Test
    void anUpdateKeepsWhatTheCreateComputed() throws Exception {
        priorityClass("high", 1000, false, "Never");
        ObjectNode created = admit(pod("high"));
        ObjectNode update = pod("high");
        admission.admit(info("", "v1", "pods"), Admission.Operation.UPDATE, update, Optional.of(created));
        assertThat(update.path("spec").path("priority").asInt()).isEqualTo(1000);
        assertThat(update.path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");
    }

    @Test
    void otherResourcesAreLeftAlone() throws Exception {
        ObjectNode deployment = json("{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":{\"priorityClassName\":\"missing\"}}}}");
        admission.admit(info("apps", "v1", "deployments"), Admission.Operation.CREATE, deployment, Optional.empty());
        assertThat(deployment.path("spec").has("priority")).isFalse();
    }
}
