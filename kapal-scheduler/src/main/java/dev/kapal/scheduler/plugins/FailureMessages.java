package dev.kapal.scheduler.plugins;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Upstream's "0/N nodes are available: 2 Insufficient cpu, 1 node(s) were unschedulable." shape. */
public final class FailureMessages {
    private FailureMessages() {
    }

    /** The reasons as "count reason", sorted as strings (as upstream does), joined, with a final period. */
    public static String histogram(int allNodes, Map<String, Integer> reasons) {
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, count) -> parts.add(count + " " + reason));
        Collections.sort(parts);
        return "0/" + allNodes + " nodes are available: " + String.join(", ", parts) + ".";
    }
}
