package dev.kapal.apiserver.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.apiserver.registry.Strategy;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamedStrategyTest {

    /** A method Strategy gains later must be forwarded, or the wrapped kind silently loses it. */
    @Test
    void forwardsEveryStrategyMethod() {
        List<String> missing = Arrays.stream(Strategy.class.getMethods())
                .filter(method -> !method.isSynthetic() && !java.lang.reflect.Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declares(method))
                .map(Method::getName)
                .toList();
        assertThat(missing).isEmpty();
    }

    @Test
    void nameRuleReplacesOnlyNameValidation() {
        Strategy namespaces = NamedStrategy.of(Strategy.DEFAULT, BuiltinKinds.NameRule.DNS1123_LABEL);
        assertThat(namespaces.validateName("a.b")).isNotEmpty();
        assertThat(Strategy.DEFAULT.validateName("a.b")).isEmpty();
        assertThat(namespaces.tracksGeneration()).isEqualTo(Strategy.DEFAULT.tracksGeneration());
        assertThat(NamedStrategy.of(Strategy.DEFAULT, BuiltinKinds.NameRule.DNS1123_SUBDOMAIN)).isSameAs(Strategy.DEFAULT);
    }

    private static boolean declares(Method method) {
        try {
            NamedStrategy.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException absent) {
            return false;
        }
    }
}
