package dev.kapal.api.selector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.api.ApiException;
import dev.kapal.api.selector.LabelSelector.Operator;
import dev.kapal.api.selector.LabelSelector.Requirement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SelectorPropertiesTest {

    /** Strings drawn mostly from the selector alphabet, so the parser gets deep, not just rejected early. */
    @Provide
    Arbitrary<String> selectorish() {
        Arbitrary<String> alphabet = Arbitraries.strings().withChars("ab1=!(),<> \t\\/.-_xinot").ofMaxLength(30);
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(30);
        return Arbitraries.oneOf(alphabet, alphabet, anything);
    }

    @Property(tries = 3000)
    void labelParsingFailsOnlyWithBadRequest(@ForAll("selectorish") String text) {
        try {
            LabelSelector selector = LabelSelector.parse(text);
            // Whatever parses prints to a string that parses back to the same selector.
            assertThat(LabelSelector.parse(selector.toString())).isEqualTo(selector);
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(400);
        }
    }

    @Property(tries = 3000)
    void fieldParsingFailsOnlyWithBadRequest(@ForAll("selectorish") String text) {
        try {
            FieldSelector.parse(text);
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(400);
        }
    }

    private static Arbitrary<String> keys() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019").ofMinLength(1).ofMaxLength(8)
                .map(s -> s.length() > 2 ? s.charAt(0) + s.substring(1, s.length() - 1).replace('1', '-') + s.charAt(s.length() - 1) : s);
        Arbitrary<String> prefix = Arbitraries.of("", "example.com/", "k8s.io/");
        return Combinators.combine(prefix, name).as(String::concat);
    }

    private static Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abc019").ofMaxLength(6), Arbitraries.of("in", "notin", "x.y_z"));
    }

    @Provide
    Arbitrary<LabelSelector> labelSelectors() {
        Arbitrary<Requirement> requirement = Combinators.combine(keys(), Arbitraries.of(Operator.class),
                        values().list().ofMinSize(1).ofMaxSize(3), Arbitraries.longs().between(-5, 5))
                .as((key, operator, values, number) -> switch (operator) {
                    case EXISTS, DOES_NOT_EXIST -> new Requirement(key, operator, List.of());
                    case GREATER_THAN, LESS_THAN -> new Requirement(key, operator, List.of(Long.toString(Math.abs(number))));
                    case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> new Requirement(key, operator, values.subList(0, 1));
                    case IN, NOT_IN -> new Requirement(key, operator, values);
                });
        return requirement.list().ofMaxSize(4).map(LabelSelector.Requirements::new);
    }

    @Property(tries = 1000)
    void labelSelectorsRoundTripThroughTheirString(@ForAll("labelSelectors") LabelSelector selector,
                                                   @ForAll("labelSets") Map<String, String> labels) {
        LabelSelector reparsed = LabelSelector.parse(selector.toString());
        assertThat(reparsed).hasToString(selector.toString());
        assertThat(new HashSet<>(reparsed.requirements())).isEqualTo(new HashSet<>(selector.requirements()));
        assertThat(reparsed.matches(labels)).isEqualTo(selector.matches(labels));
    }

    @Provide
    Arbitrary<Map<String, String>> labelSets() {
        return Arbitraries.maps(keys(), Arbitraries.oneOf(values(), Arbitraries.of("0", "3", "-2"))).ofMaxSize(4);
    }

    @Provide
    Arbitrary<FieldSelector> fieldSelectors() {
        Arbitrary<FieldSelector.Requirement> requirement = Combinators.combine(
                        Arbitraries.of("metadata.name", "spec.nodeName", "status.phase", "a"),
                        Arbitraries.of(FieldSelector.Operator.class),
                        Arbitraries.strings().withChars("ab,=\\!- ").ofMaxLength(6))
                .as(FieldSelector.Requirement::new);
        return requirement.list().ofMaxSize(4).map(FieldSelector::new);
    }

    @Property(tries = 1000)
    void fieldSelectorsRoundTripThroughTheirString(@ForAll("fieldSelectors") FieldSelector selector) {
        FieldSelector reparsed = FieldSelector.parse(selector.toString());
        // Upstream drops empty terms only; every generated term has a field, so all survive.
        assertThat(new HashSet<>(reparsed.requirements())).isEqualTo(new HashSet<>(selector.requirements()));
    }
}
