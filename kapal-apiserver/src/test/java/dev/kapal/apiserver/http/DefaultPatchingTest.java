package dev.kapal.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultPatchingTest {
    private static final String SMP = "application/strategic-merge-patch+json";
    private static final ResourceInfo DEPLOYMENTS = info("apps", "deployments", "Deployment");
    private static final ResourceInfo WIDGETS = info("example.com", "widgets", "Widget");

    private static ResourceInfo info(String group, String plural, String kind) {
        return new ResourceInfo(new GroupVersion(group, "v1"), plural, kind.toLowerCase(), kind, kind + "List", true,
                ResourceInfo.ALL_VERBS, List.of(), List.of(), Set.of(), plural);
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void strategicMergePatchMergesContainersOfBuiltinKinds() {
        ObjectNode deployment = json("{'spec':{'template':{'spec':{'containers':[{'name':'web','image':'a','ports':[{'containerPort':80}]}]}}}}");
        var patch = new DefaultPatching().patcher(Optional.of(SMP), bytes(
                "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],'containers':[{'name':'web','image':'b'}]}}}}"),
                DEPLOYMENTS);
        assertThat(patch.apply(deployment)).isEqualTo(
                json("{'spec':{'template':{'spec':{'containers':[{'name':'web','image':'b','ports':[{'containerPort':80}]}]}}}}"));
        // The store may run the function again after a conflict: the patch must survive its first use.
        assertThat(patch.apply(deployment)).isEqualTo(patch.apply(deployment));
    }

    @Test
    void customResourcesRefuseStrategicMergePatchAsUpstreamDoes() {
        assertThatThrownBy(() -> new DefaultPatching().patcher(Optional.of(SMP), bytes("{}"), WIDGETS))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(415);
                    assertThat(e.getMessage()).isEqualTo("the body of the request was in an unknown format - accepted media types"
                            + " include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
                });
        assertThat(new DefaultPatching().patcher(Optional.of("application/merge-patch+json"), bytes("{'a':1}"), WIDGETS)
                .apply(json("{}"))).isEqualTo(json("{'a':1}"));
    }

    @Test
    void aMalformedStrategicPatchIsABadRequestBeforeAnythingIsRead() {
        assertThatThrownBy(() -> new DefaultPatching().patcher(Optional.of(SMP), bytes("[1]"), DEPLOYMENTS))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
}
