package dev.kapal.kubelet.runtime;

import java.util.Objects;

/**
 * A runtime call failed. {@link Code} mirrors the gRPC status codes CRI runtimes answer with,
 * so the kubelet can tell "gone" from "try again" the same way for every runtime.
 */
public final class RuntimeFailure extends RuntimeException {
    /** The gRPC codes that matter to the kubelet. */
    public enum Code { NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT, UNAVAILABLE, UNKNOWN }

    private final Code code;

    public RuntimeFailure(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    public static RuntimeFailure notFound(String what, String id) {
        return new RuntimeFailure(Code.NOT_FOUND, what + " \"" + id + "\" not found");
    }
}
