package dev.kapal.controllers.nodeutil;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TaintsTest {
    private static final Taint UNREACHABLE = Taints.of(Taints.UNREACHABLE, Taints.NO_EXECUTE);
    private static final Taint DEDICATED = new TaintBuilder().withKey("dedicated").withValue("x").withEffect("NoExecute").build();

    private static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
        return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect)
                .withTolerationSeconds(seconds).build();
    }

    @Test
    void tolerationsMatchByKeyOperatorValueAndEffect() {
        assertThat(Taints.tolerates(toleration(null, "Exists", null, null, null), DEDICATED)).isTrue();
        assertThat(Taints.tolerates(toleration("dedicated", "Exists", null, "NoExecute", null), DEDICATED)).isTrue();
        assertThat(Taints.tolerates(toleration("dedicated", null, "x", null, null), DEDICATED)).isTrue();
        assertThat(Taints.tolerates(toleration("dedicated", "Equal", "y", null, null), DEDICATED)).isFalse();
        assertThat(Taints.tolerates(toleration("dedicated", "Exists", null, "NoSchedule", null), DEDICATED)).isFalse();
        assertThat(Taints.tolerates(toleration(null, "Equal", "x", null, null), DEDICATED)).isFalse();
        assertThat(Taints.tolerates(toleration("other", "Exists", null, null, null), DEDICATED)).isFalse();
    }

    @Test
    void theSmallestTolerationSecondsOfTheUsedTolerationsWins() {
        List<Toleration> tolerations = List.of(
                toleration(Taints.UNREACHABLE, "Exists", null, "NoExecute", 300L),
                toleration("dedicated", "Exists", null, "NoExecute", 20L),
                toleration(Taints.NOT_READY, "Exists", null, "NoExecute", 5L));
        assertThat(Taints.tolerationSeconds(tolerations, List.of(UNREACHABLE, DEDICATED))).isEqualTo(OptionalLong.of(20));
        assertThat(Taints.tolerationSeconds(tolerations, List.of(UNREACHABLE))).isEqualTo(OptionalLong.of(300));
    }

    @Test
    void untoleratedMeansNowNegativeMeansZeroAndNoSecondsMeansForever() {
        assertThat(Taints.tolerationSeconds(List.of(), List.of(DEDICATED))).isEmpty();
        assertThat(Taints.tolerationSeconds(List.of(toleration("dedicated", "Exists", null, null, -5L)), List.of(DEDICATED)))
                .isEqualTo(OptionalLong.of(0));
        assertThat(Taints.tolerationSeconds(List.of(toleration("dedicated", "Exists", null, null, null)), List.of(DEDICATED)))
                .isEqualTo(OptionalLong.of(Long.MAX_VALUE));
    }
}
