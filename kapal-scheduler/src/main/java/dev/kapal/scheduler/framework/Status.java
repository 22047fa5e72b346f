package dev.kapal.scheduler.framework;

import java.util.List;
import java.util.Objects;

/**
 * What a plugin says about a pod (and, for filters, a node). {@link Code#UNSCHEDULABLE} means
 * preemption might help; {@link Code#UNSCHEDULABLE_AND_UNRESOLVABLE} means it cannot (a node's
 * labels or taints do not change by removing pods). Reasons are the short phrases that end up in
 * the {@code FailedScheduling} message ("Insufficient cpu").
 *
 * @param plugin the plugin that returned the status; empty for success
 */
public record Status(Code code, List<String> reasons, String plugin) {
    public enum Code { SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE, ERROR, SKIP }

    private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), "");
    private static final Status SKIP = new Status(Code.SKIP, List.of(), "");

    public Status {
        Objects.requireNonNull(code, "code");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(plugin, "plugin");
    }

    public static Status success() {
        return SUCCESS;
    }

    /** The plugin has nothing to do for this pod; its later extension points are skipped too. */
    public static Status skip() {
        return SKIP;
    }

    public static Status unschedulable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), plugin);
    }

    public static Status unresolvable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), plugin);
    }

    public static Status error(String plugin, String reason) {
        return new Status(Code.ERROR, List.of(reason), plugin);
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isSkip() {
        return code == Code.SKIP;
    }

    /** Unschedulable in either flavour. */
    public boolean isRejected() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    public String message() {
        return String.join(", ", reasons);
    }
}
