package dev.kapal.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CidrSetTest {
    @Test
    void handsOutEverySubnetOnceInOrderThenNothing() {
        CidrSet set = new CidrSet("10.42.0.0/16", 24);
        assertThat(set.allocate()).contains("10.42.0.0/24");
        assertThat(set.allocate()).contains("10.42.1.0/24");
        Set<String> all = new HashSet<>(Set.of("10.42.0.0/24", "10.42.1.0/24"));
        for (int i = 2; i < 256; i++) {
            all.add(set.allocate().orElseThrow());
        }
        assertThat(all).hasSize(256).contains("10.42.255.0/24");
        assertThat(set.allocate()).isEmpty();
        assertThat(set.free()).isZero();
    }

    @Test
    void occupiedSubnetsAreSkippedAndReleasedOnesComeBackAfterTheRest() {
        CidrSet set = new CidrSet("10.42.0.0/22", 24);
        assertThat(set.occupy("10.42.0.0/24")).isTrue();
        assertThat(set.occupy("10.42.2.0/24")).isTrue();
        assertThat(set.allocate()).contains("10.42.1.0/24");
        assertThat(set.allocate()).contains("10.42.3.0/24");
        assertThat(set.allocate()).isEmpty();
        set.release("10.42.2.0/24");
        assertThat(set.allocate()).contains("10.42.2.0/24");
    }

    @Test
    void foreignCidrsAreNotOccupiedAndLargerBlocksTakeWhatTheyOverlap() {
        CidrSet set = new CidrSet("10.42.0.0/22", 24);
        assertThat(set.occupy("10.43.0.0/24")).isFalse();
        assertThat(set.occupy("fd00::/64")).isFalse();
        assertThat(set.occupy("10.42.2.0/23")).isTrue();
        assertThat(set.free()).isEqualTo(2);
    }

    @Test
    void ipv6SubnetsArePrintedCompressed() {
        CidrSet set = new CidrSet("fd00:10:42::/56", 64);
        assertThat(set.allocate()).contains("fd00:10:42::/64");
        assertThat(set.allocate()).contains("fd00:10:42:1::/64");
    }

    @Test
    void maskSizesMustFit() {
        assertThatThrownBy(() -> new CidrSet("10.42.0.0/16", 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CidrSet("10.0.0.0/8", 28)).isInstanceOf(IllegalArgumentException.class);
    }
}
