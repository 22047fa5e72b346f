package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.HostPort;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreFilterPlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** The pod's host ports must be free on the node (same protocol and port, overlapping IP). */
public final class NodePorts implements PreFilterPlugin, FilterPlugin {
    public static final String NAME = "NodePorts";
    public static final String REASON = "node(s) didn't have free ports for the requested pod ports";
    @SuppressWarnings("unchecked")
    private static final CycleState.Key<List<HostPort>> KEY = new CycleState.Key<>(NAME, (Class<List<HostPort>>) (Class<?>) List.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        List<HostPort> ports = HostPort.of(pod);
        if (ports.isEmpty()) {
            return Result.of(Status.skip());
        }
        state.write(KEY, ports);
        return Result.of(Status.success());
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<HostPort> wanted = state.read(KEY).orElseGet(() -> HostPort.of(pod));
        for (HostPort port : wanted) {
            for (HostPort used : node.usedPorts()) {
                if (port.conflictsWith(used)) {
                    return Status.unschedulable(NAME, REASON);
                }
            }
        }
        return Status.success();
    }
}
