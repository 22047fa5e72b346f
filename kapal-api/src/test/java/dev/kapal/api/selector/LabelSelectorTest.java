package dev.kapal.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusCause;
import dev.kapal.api.StatusReason;
import dev.kapal.api.selector.LabelSelector.Operator;
import dev.kapal.api.selector.LabelSelector.Requirement;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorTest {

    private static LabelSelector parse(String selector) {
        return LabelSelector.parse(selector);
    }

    private static void assertRejected(String selector, String message) {
        assertThatThrownBy(() -> parse(selector))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo(StatusReason.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void emptyAndBlankSelectEverything() {
        assertThat(parse("").isEverything()).isTrue();
        assertThat(parse("  \t\n").isEverything()).isTrue();
        assertThat(parse("").matches(Map.of())).isTrue();
        assertThat(LabelSelector.EVERYTHING.matches(Map.of("a", "b"))).isTrue();
        assertThat(LabelSelector.NOTHING.matches(Map.of())).isFalse();
        assertThat(LabelSelector.NOTHING.isEverything()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a=b              | a=b",
            "a==b             | a==b",
            "a!=b             | a!=b",
            "a = b            | a=b",
            "a in (y,x)       | a in (x,y)",
            "a in(x)          | a in (x)",
            "a notin ( x , y )| a notin (x,y)",
            "a                | a",
            "!a               | !a",
            " ! a             | !a",
            "a>1              | a>1",
            "a<-1x            | ",
            "b=1,a=2          | a=2,b=1",
            "a=               | a=",
            "a in ()          | a in ()",
            "a in (,x)        | a in (,x)",
            "a in (x,,y)      | a in (,x,y)",
            "in=notin         | in=notin",
            "x/y.z=1,!w       | !w,x/y.z=1",
            "example.com/a in (b)| example.com/a in (b)",
    })
    void parsesAndPrintsCanonically(String selector, String canonical) {
        if (canonical == null) {
            assertThatThrownBy(() -> parse(selector)).isInstanceOf(ApiException.class);
            return;
        }
        LabelSelector parsed = parse(selector);
        assertThat(parsed).hasToString(canonical);
        assertThat(parse(parsed.toString())).isEqualTo(parsed);
    }

    @Test
    void matchesEveryOperatorAsUpstream() {
        Map<String, String> labels = Map.of("app", "web", "tier", "front", "replicas", "3");
        assertThat(parse("app=web").matches(labels)).isTrue();
        assertThat(parse("app==web").matches(labels)).isTrue();
        assertThat(parse("app=db").matches(labels)).isFalse();
        assertThat(parse("app!=db").matches(labels)).isTrue();
        assertThat(parse("missing!=x").matches(labels)).isTrue();
        assertThat(parse("app in (db,web)").matches(labels)).isTrue();
        assertThat(parse("missing in (x)").matches(labels)).isFalse();
        assertThat(parse("app notin (db)").matches(labels)).isTrue();
        assertThat(parse("missing notin (db)").matches(labels)).isTrue();
        assertThat(parse("app notin (web)").matches(labels)).isFalse();
        assertThat(parse("app").matches(labels)).isTrue();
        assertThat(parse("!app").matches(labels)).isFalse();
        assertThat(parse("!missing").matches(labels)).isTrue();
        assertThat(parse("replicas>2").matches(labels)).isTrue();
        assertThat(parse("replicas>3").matches(labels)).isFalse();
        assertThat(parse("replicas<4").matches(labels)).isTrue();
        assertThat(parse("app>1").matches(labels)).isFalse();
        assertThat(parse("missing<1").matches(labels)).isFalse();
        assertThat(parse("app=web,tier=back").matches(labels)).isFalse();
        assertThat(parse("app=web,tier=front").matches(labels)).isTrue();
        // "a=" selects objects whose label is present and empty, not objects without it.
        assertThat(parse("a=").matches(Map.of("a", ""))).isTrue();
        assertThat(parse("a=").matches(Map.of())).isFalse();
        // Label values in an object are not validated here; non-ASCII digits are no integers.
        assertThat(parse("n>1").matches(Map.of("n", "\u0663"))).isFalse();
    }

    @Test
    void syntaxErrorsCarryUpstreamMessages() {
        assertRejected("a=b,", "found '', expected: identifier after ','");
        assertRejected("a=b c", "found 'c', expected: ',' or 'end of string'");
        assertRejected(",a", "found ',', expected: !, identifier, or 'end of string'");
        assertRejected("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
        assertRejected("a=(b)", "unable to parse requirement: found '(', expected: identifier");
        assertRejected("a in b", "unable to parse requirement: found 'b' expected: '('");
        assertRejected("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'");
        assertRejected("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier");
        assertRejected("a in (b", "unable to parse requirement: found '', expected: ',' or ')'");
        assertRejected("a (b)", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt");
        assertRejected("!", "unable to parse requirement: found '', expected: identifier");
        assertRejected("!a=b", "found '=', expected: ',' or 'end of string'");
        assertRejected("a=b=c", "found '=', expected: ',' or 'end of string'");
    }

    @Test
    void invalidKeysAndValuesCarryUpstreamMessages() {
        assertRejected("app:monolith", "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part "
                + "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        assertRejected("a=-x", "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be "
                + "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        assertRejected("a>x", "unable to parse requirement: values[0]: Invalid value: \"x\": "
                + "for 'Gt', 'Lt' operators, the value must be an integer");
        assertRejected("a>99999999999999999999", "unable to parse requirement: values[0]: Invalid value: "
                + "\"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer");
        assertThatThrownBy(() -> parse("a=\"q\"")).hasMessageContaining("Invalid value: \"\\\"q\\\"\"");
    }

    @Test
    void requirementOfValidatesValueCountPerOperator() {
        assertThatThrownBy(() -> Requirement.of("a", Operator.IN, List.of()))
                .hasMessage("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
        assertThatThrownBy(() -> Requirement.of("a", Operator.EQUALS, List.of("x", "y")))
                .hasMessage("values: Invalid value: []string{\"x\", \"y\"}: exact-match compatibility requires one single value");
        assertThatThrownBy(() -> Requirement.of("a", Operator.EXISTS, List.of("x")))
                .hasMessage("values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist");
        assertThatThrownBy(() -> Requirement.of("a b", Operator.EXISTS, List.of()))
                .hasMessageStartingWith("key: Invalid value: \"a b\": name part must consist");
        assertThat(Requirement.of("a", Operator.IN, List.of("y", "x", "y")).values()).containsExactly("x", "y");
    }

    @Test
    void fromLabelsSelectsExactlyThatSet() {
        LabelSelector selector = LabelSelector.fromLabels(Map.of("b", "2", "a", "1"));
        assertThat(selector).hasToString("a=1,b=2");
        assertThat(selector.matches(Map.of("a", "1", "b", "2", "c", "3"))).isTrue();
        assertThat(selector.matches(Map.of("a", "1"))).isFalse();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        return Json.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void convertsMetav1LabelSelectors() {
        LabelSelector selector = LabelSelector.fromJson(json("""
                {"matchLabels": {"app": "web"},
                 "matchExpressions": [
                   {"key": "tier", "operator": "In", "values": ["front", "back"]},
                   {"key": "env", "operator": "NotIn", "values": ["prod"]},
                   {"key": "canary", "operator": "DoesNotExist"},
                   {"key": "zone", "operator": "Exists", "values": []}]}
                """));
        assertThat(selector).hasToString("app=web,!canary,env notin (prod),tier in (back,front),zone");
        assertThat(selector.matches(Map.of("app", "web", "tier", "front", "zone", "a"))).isTrue();
        assertThat(selector.matches(Map.of("app", "web", "tier", "front"))).isFalse();
        assertThat(LabelSelector.toSelectorString(json("{\"matchLabels\":{\"app\":\"nginx\"}}"))).isEqualTo("app=nginx");
    }

    @Test
    void absentSelectorSelectsNothingAndEmptySelectorEverything() {
        assertThat(LabelSelector.fromJson(com.fasterxml.jackson.databind.node.MissingNode.getInstance()))
                .isSameAs(LabelSelector.NOTHING);
        assertThat(LabelSelector.fromJson(json("null"))).isSameAs(LabelSelector.NOTHING);
        assertThat(LabelSelector.fromJson(json("{}")).isEverything()).isTrue();
        assertThat(LabelSelector.fromJson(json("{\"matchLabels\":{}}")).isEverything()).isTrue();
        assertThat(LabelSelector.format(json("{}"))).isEqualTo("<none>");
        assertThat(LabelSelector.format(json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Bad\"}]}")))
                .isEqualTo("<error>");
    }

    @Test
    void conversionRejectsWhatUpstreamRejects() {
        assertThatThrownBy(() -> LabelSelector.fromJson(json(
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}")))
                .isInstanceOf(ApiException.class).hasMessage("\"Gt\" is not a valid label selector operator");
        assertThatThrownBy(() -> LabelSelector.fromJson(json(
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}")))
                .hasMessage("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
        assertThatThrownBy(() -> LabelSelector.fromJson(json(
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}")))
                .hasMessageContaining("values set must be empty for exists and does not exist");
    }

    @Test
    void validationReportsEveryProblemAsFieldCauses() {
        List<StatusCause> causes = LabelSelector.validate(json("""
                {"matchLabels": {"bad key": "ok", "k": "-bad"},
                 "matchExpressions": [
                   {"key": "a", "operator": "In"},
                   {"key": "b", "operator": "Exists", "values": ["x"]},
                   {"key": "c", "operator": "Gt", "values": ["1"]}]}
                """), "spec.selector");
        assertThat(causes).extracting(StatusCause::field).containsExactly(
                "spec.selector.matchLabels",
                "spec.selector.matchLabels",
                "spec.selector.matchExpressions[0].values",
                "spec.selector.matchExpressions[1].values",
                "spec.selector.matchExpressions[2].operator");
        assertThat(causes.get(2).describe()).isEqualTo(
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
        assertThat(causes.get(3).describe()).isEqualTo(
                "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        assertThat(causes.get(4).describe()).isEqualTo("spec.selector.matchExpressions[2].operator: Unsupported value: "
                + "\"Gt\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
        assertThat(LabelSelector.validate(json("{\"matchLabels\":{\"app\":\"web\"}}"), "spec.selector")).isEmpty();
    }
}
