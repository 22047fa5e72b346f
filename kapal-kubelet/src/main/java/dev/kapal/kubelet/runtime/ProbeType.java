package dev.kapal.kubelet.runtime;

/** The three container probes, named as the kubelet names them in events ({@code Liveness probe failed: …}). */
public enum ProbeType {
    LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

    private final String display;

    ProbeType(String display) {
        this.display = display;
    }

    /** {@code Liveness}, {@code Readiness}, {@code Startup}. */
    public String display() {
        return display;
    }
}
