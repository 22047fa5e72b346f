package dev.kapal.controllers.nodelifecycle;

/**
 * How healthy a zone's nodes are, as upstream computes it each monitor pass: {@link #FULL_DISRUPTION}
 * when no node is Ready; {@link #PARTIAL_DISRUPTION} when more than two nodes and at least the
 * unhealthy-zone threshold (0.55) of them are not Ready; {@link #NORMAL} otherwise. {@link #INITIAL}
 * until a zone's first pass.
 */
public enum ZoneState {
    INITIAL, NORMAL, FULL_DISRUPTION, PARTIAL_DISRUPTION;

    /** The state of a zone with {@code ready} Ready nodes and {@code notReady} others. */
    static ZoneState of(int ready, int notReady, double unhealthyThreshold) {
        if (ready == 0 && notReady > 0) {
            return FULL_DISRUPTION;
        }
        if (notReady > 2 && (double) notReady / (notReady + ready) >= unhealthyThreshold) {
            return PARTIAL_DISRUPTION;
        }
        return NORMAL;
    }
}
