package dev.kapal.api.apply;

import static dev.kapal.api.apply.Types.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Update and Apply operations on managedFields, against the shapes upstream produces. */
class FieldManagerTest {
    private static final String T1 = "2026-01-01T00:00:00Z";
    private static final String T2 = "2026-01-01T00:01:00Z";

    private static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    private static JsonNode fieldsOf(ObjectNode object, String manager, String operation) {
        for (JsonNode entry : object.path("metadata").path("managedFields")) {
            if (entry.path("manager").asText().equals(manager) && entry.path("operation").asText().equals(operation)) {
                return entry.path("fieldsV1");
            }
        }
        throw new AssertionError("no entry " + manager + "/" + operation + " in " + object);
    }

    private static ObjectNode apply(Optional<ObjectNode> live, String config, String manager, boolean force) {
        return FieldManager.apply(live, object(config), manager, force, Types.context(T1)).object();
    }

    @Test
    void applyOwnsLeavesListItemsAndMapEntriesButNotStructs() {
        ObjectNode created = apply(Optional.empty(), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t','labels':{'app':'x'}},
                 'spec':{'replicas':1,'selector':{'matchLabels':{'app':'x'}},'args':['a','b'],
                   'containers':[{'name':'c','image':'i','ports':[{'containerPort':80}]}],
                   'raw':{'deep':{'x':1}}},
                 'status':{'ready':1}}""", "mgr", false);
        assertThat(fieldsOf(created, "mgr", "Apply")).isEqualTo(json("""
                {'f:metadata':{'f:labels':{'f:app':{}}},
                 'f:spec':{'f:args':{},
                   'f:containers':{'k:{\\"name\\":\\"c\\"}':{'.':{},'f:image':{},'f:name':{},
                      'f:ports':{'k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}':{'.':{},'f:containerPort':{}}}}},
                   'f:raw':{'f:deep':{'.':{},'f:x':{}}},
                   'f:replicas':{},'f:selector':{}}}"""));
        assertThat(created.path("metadata").path("managedFields").get(0).path("time").asText()).isEqualTo(T1);
    }

    @Test
    void updateOnCreateMarksNewMapsAndItemsButNotZeroValueStructs() {
        ObjectNode created = object("""
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t','labels':{'app':'x'}},
                 'spec':{'replicas':1,'containers':[{'name':'c','image':'i'}]}}""");
        FieldManager.update(Optional.empty(), created, "kubectl-create", Types.context(T1));
        assertThat(fieldsOf(created, "kubectl-create", "Update")).isEqualTo(json("""
                {'f:metadata':{'f:labels':{'.':{},'f:app':{}}},
                 'f:spec':{'f:containers':{'k:{\\"name\\":\\"c\\"}':{'.':{},'f:image':{},'f:name':{}}},'f:replicas':{}}}"""));
    }

    @Test
    void updatesOfOneManagerCollapseAndTakeFieldsFromOthers() {
        ObjectNode live = apply(Optional.empty(), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},'spec':{'replicas':1,'args':['a']}}""",
                "applier", false);
        ObjectNode edited = live.deepCopy();
        ((ObjectNode) edited.get("spec")).put("replicas", 2);
        FieldManager.update(Optional.of(live), edited, "kubectl-edit", Types.context(T2));
        assertThat(fieldsOf(edited, "kubectl-edit", "Update")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
        assertThat(fieldsOf(edited, "applier", "Apply")).isEqualTo(json("{'f:spec':{'f:args':{}}}"));

        ObjectNode again = edited.deepCopy();
        ((ObjectNode) again.get("metadata")).putObject("labels").put("l", "v");
        FieldManager.update(Optional.of(edited), again, "kubectl-edit", Types.context(T2));
        assertThat(again.path("metadata").path("managedFields")).hasSize(2);
        assertThat(fieldsOf(again, "kubectl-edit", "Update")).isEqualTo(json(
                "{'f:metadata':{'f:labels':{'.':{},'f:l':{}}},'f:spec':{'f:replicas':{}}}"));

        // An update that changes nothing leaves the entries (and their times) alone.
        ObjectNode unchanged = again.deepCopy();
        FieldManager.update(Optional.of(again), unchanged, "someone", Types.context("2030-01-01T00:00:00Z"));
        assertThat(unchanged.path("metadata").path("managedFields")).isEqualTo(again.path("metadata").path("managedFields"));
    }

    @Test
    void conflictsNameEveryManagerAndFieldAndForceTakesThem() {
        ObjectNode live = apply(Optional.empty(), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},
                 'spec':{'replicas':1,'args':['a'],'containers':[{'name':'c','image':'i'}]}}""", "first", false);
        String second = """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},
                 'spec':{'replicas':2,'args':['b'],'containers':[{'name':'c','image':'j'}]}}""";
        assertThatThrownBy(() -> apply(Optional.of(live), second, "second", false))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.getMessage()).isEqualTo("""
                            Apply failed with 3 conflicts: conflicts with "first":
                            - .spec.args
                            - .spec.containers[name="c"].image
                            - .spec.replicas""");
                    assertThat(e.details().orElseThrow().causes()).extracting(cause -> cause.reason())
                            .containsOnly("FieldManagerConflict");
                });
        ObjectNode forced = apply(Optional.of(live), second, "second", true);
        assertThat(forced.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(fieldsOf(forced, "first", "Apply")).isEqualTo(json(
                "{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"c\\\"}':{'.':{},'f:name':{}}}}}"));
    }

    @Test
    void sharedOwnershipIsNoConflictAndSetsMergeByValue() {
        ObjectNode live = apply(Optional.empty(), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t','finalizers':['a']},'spec':{'replicas':1}}""",
                "first", false);
        ObjectNode both = apply(Optional.of(live), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t','finalizers':['b']},'spec':{'replicas':1}}""",
                "second", false);
        assertThat(both.path("metadata").path("finalizers")).isEqualTo(json("['a','b']"));
        assertThat(fieldsOf(both, "first", "Apply").path("f:spec").has("f:replicas")).isTrue();
        assertThat(fieldsOf(both, "second", "Apply").path("f:spec").has("f:replicas")).isTrue();
    }

    @Test
    void applyingLessRemovesWhatNobodyElseOwnsAndKeepsDefaults() {
        ObjectNode live = apply(Optional.empty(), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t','labels':{'a':'1','b':'2'}},
                 'spec':{'replicas':1,'containers':[{'name':'c','image':'i'},{'name':'d','image':'i'}],
                   'env':[{'name':'A','value':'1'}]}}""", "mgr", false);
        // A default nobody owns, as the server would add it.
        ((ObjectNode) live.get("spec")).put("defaulted", true);
        ObjectNode after = apply(Optional.of(live), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t','labels':{'a':'1'}},
                 'spec':{'containers':[{'name':'c','image':'i'}]}}""", "mgr", false);
        assertThat(after.path("metadata").path("labels")).isEqualTo(json("{'a':'1'}"));
        assertThat(after.path("spec")).isEqualTo(json("{'containers':[{'name':'c','image':'i'}],'defaulted':true}"));
    }

    @Test
    void mapListsKeepLiveOnlyItemsInPlace() {
        ObjectNode live = apply(Optional.empty(), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},
                 'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}}""", "one", false);
        ObjectNode after = apply(Optional.of(live), """
                {'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},
                 'spec':{'containers':[{'name':'c','image':'x'},{'name':'z'}]}}""", "two", false);
        assertThat(after.path("spec").path("containers")).isEqualTo(json(
                "[{'name':'a'},{'name':'b'},{'name':'c','image':'x'},{'name':'z'}]"));
    }

    @Test
    void kubectlTakesOverFromClientSideApplyWhereTheLastAppliedMatchesTheLiveObject() {
        ObjectNode live = object("{'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},'spec':{'replicas':3}}");
        ((ObjectNode) live.get("metadata")).putObject("annotations").put(FieldManager.LAST_APPLIED,
                "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Thing\",\"metadata\":{\"name\":\"t\"},\"spec\":{\"replicas\":3}}");
        FieldManager.update(Optional.empty(), live, "kubectl-client-side-apply", Types.context(T1));
        String four = "{'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},'spec':{'replicas':4}}";
        // Another manager's name gets the conflict; so does drift between the last-applied and the live object.
        assertThatThrownBy(() -> apply(Optional.of(live), four, "other", false)).isInstanceOf(ApiException.class);
        ObjectNode drifted = live.deepCopy();
        ((ObjectNode) drifted.get("spec")).put("replicas", 2);
        assertThatThrownBy(() -> apply(Optional.of(drifted), four, "kubectl", false))
                .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using example.com/v1: .spec.replicas");
        ObjectNode migrated = apply(Optional.of(live), four, "kubectl", false);
        assertThat(migrated.path("spec").path("replicas").asInt()).isEqualTo(4);
        assertThat(fieldsOf(migrated, "kubectl", "Apply")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
        assertThat(migrated.path("metadata").path("annotations").path(FieldManager.LAST_APPLIED).asText())
                .isEqualTo("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Thing\",\"metadata\":{\"name\":\"t\"},\"spec\":{\"replicas\":4}}\n");
    }

    @Test
    void sentManagedFieldsAreTakenAsGivenAndOneEmptyEntryClearsThem() {
        ObjectNode live = apply(Optional.empty(),
                "{'apiVersion':'example.com/v1','kind':'Thing','metadata':{'name':'t'},'spec':{'replicas':1}}", "mgr", false);
        ObjectNode cleared = live.deepCopy();
        ((ObjectNode) cleared.get("metadata")).putArray("managedFields").addObject();
        FieldManager.update(Optional.of(live), cleared, "editor", Types.context(T2));
        assertThat(cleared.path("metadata").has("managedFields")).isFalse();

        ObjectNode rewritten = live.deepCopy();
        ((ObjectNode) rewritten.path("metadata").path("managedFields").get(0)).put("manager", "renamed");
        FieldManager.update(Optional.of(live), rewritten, "editor", Types.context(T2));
        assertThat(rewritten.path("metadata").path("managedFields").get(0).path("manager").asText()).isEqualTo("renamed");
    }
}
