package dev.kapal.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.api.ApiException;
import dev.kapal.api.selector.FieldSelector.Operator;
import dev.kapal.api.selector.FieldSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

    @Test
    void parsesTermsSortedByTheirText() {
        FieldSelector selector = FieldSelector.parse("status.phase!=Running,metadata.name==web,spec.nodeName=n1");
        assertThat(selector.requirements()).containsExactly(
                new Requirement("metadata.name", Operator.EQUALS, "web"),
                new Requirement("spec.nodeName", Operator.EQUALS, "n1"),
                new Requirement("status.phase", Operator.NOT_EQUALS, "Running"));
        assertThat(selector).hasToString("metadata.name=web,spec.nodeName=n1,status.phase!=Running");
        assertThat(FieldSelector.parse("").isEverything()).isTrue();
        assertThat(FieldSelector.parse(",,").isEverything()).isTrue();
    }

    @Test
    void unescapesValuesAndKeepsEscapedCommasInsideTerms() {
        FieldSelector selector = FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d");
        assertThat(selector.requirements()).containsExactly(new Requirement("metadata.name", Operator.EQUALS, "a,b=c\\d"));
        assertThat(selector).hasToString("metadata.name=a\\,b\\=c\\\\d");
        assertThat(FieldSelector.parse(selector.toString())).isEqualTo(selector);
    }

    @Test
    void theFirstOperatorFromTheLeftSplitsTheTerm() {
        assertThat(FieldSelector.parse("a=!b").requirements())
                .containsExactly(new Requirement("a", Operator.EQUALS, "!b"));
        assertRejected("a=!=b", "invalid field selector: unescaped character in value: =");
        assertThat(FieldSelector.parse("a!=\\=b").requirements())
                .containsExactly(new Requirement("a", Operator.NOT_EQUALS, "=b"));
        assertThat(FieldSelector.parse(" a = b").requirements())
                .containsExactly(new Requirement(" a ", Operator.EQUALS, " b"));
    }

    @Test
    void malformedSelectorsAreBadRequests() {
        assertRejected("a", "invalid selector: 'a'; can't understand 'a'");
        assertRejected("x=1,a", "invalid selector: 'x=1,a'; can't understand 'a'");
        assertRejected("a=b\\", "invalid field selector: invalid escape sequence: \\");
        assertRejected("a=\\x", "invalid field selector: invalid escape sequence: \\x");
        assertRejected("a=b=c", "invalid field selector: unescaped character in value: =");
    }

    private static void assertRejected(String selector, String message) {
        assertThatThrownBy(() -> FieldSelector.parse(selector))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage(message);
    }

    @Test
    void missingFieldsReadAsEmpty() {
        Map<String, String> fields = Map.of("metadata.name", "web", "status.phase", "Running");
        assertThat(FieldSelector.parse("metadata.name=web").matches(fields)).isTrue();
        assertThat(FieldSelector.parse("metadata.name!=web").matches(fields)).isFalse();
        assertThat(FieldSelector.parse("spec.nodeName=").matches(fields)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName!=").matches(fields)).isFalse();
        assertThat(FieldSelector.parse("metadata.name=web,status.phase=Pending").matches(fields)).isFalse();
        assertThat(FieldSelector.parse("metadata.name=web").matches(field -> Optional.of("web"))).isTrue();
    }

    @Test
    void unsupportedFieldsAreReportedAsUpstreamDoes() {
        FieldSelector selector = FieldSelector.parse("metadata.name=a,spec.foo=b");
        assertThatThrownBy(() -> selector.requireSupported(Set.of("metadata.name", "metadata.namespace")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("field label not supported: spec.foo");
        assertThat(FieldSelector.parse("metadata.name=a").requireSupported(List.of("metadata.name"))).isNotNull();
    }

    @Test
    void exactMatchAndTransform() {
        FieldSelector selector = FieldSelector.parse("spec.nodeName=n1,metadata.name!=x");
        assertThat(selector.requiresExactMatch("spec.nodeName")).contains("n1");
        assertThat(selector.requiresExactMatch("metadata.name")).isEmpty();
        FieldSelector renamed = selector.transform(r -> r.field().equals("spec.nodeName")
                ? new Requirement("spec.host", r.operator(), r.value()) : r);
        assertThat(renamed.requiresExactMatch("spec.host")).contains("n1");
    }
}
