package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The Linux resources the kubelet gives a container from its requests and limits, as upstream's
 * kuberuntime computes them: cpu shares from the cpu request ({@code milli * 1024 / 1000}, at
 * least 2, at most 262144), a CFS quota from the cpu limit over a 100 ms period (at least 1 ms),
 * the memory limit in bytes, and the OOM score adjustment of the pod's QoS class (Guaranteed
 * -997, BestEffort 1000, Burstable {@code 1000 - 1000 * memoryRequest / nodeMemory} kept within
 * 2..999). The runtime may clamp the score: containerd with {@code restrict_oom_score_adj} never
 * sets one below its own.
 */
final class ContainerResources {
    static final long CPU_PERIOD = 100_000;
    private static final long MIN_SHARES = 2;
    private static final long MAX_SHARES = 262_144;
    private static final long MIN_QUOTA = 1_000;

    private ContainerResources() {
    }

    static ContainerConfig.LinuxResources of(Pod pod, Container container, Quantity nodeMemory) {
        Map<String, Quantity> requests = container.getResources() == null || container.getResources().getRequests() == null
                ? Map.of() : container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources() == null || container.getResources().getLimits() == null
                ? Map.of() : container.getResources().getLimits();
        long cpuRequest = milli(requests.get("cpu"));
        long cpuLimit = milli(limits.get("cpu"));
        // A limit without a request stands for the request too, as upstream.
        long shares = shares(cpuRequest == 0 && cpuLimit > 0 ? cpuLimit : cpuRequest);
        long quota = cpuLimit == 0 ? 0 : Math.max(MIN_QUOTA, cpuLimit * CPU_PERIOD / 1000);
        long memory = bytes(limits.get("memory"));
        return new ContainerConfig.LinuxResources(CPU_PERIOD, quota, shares, memory,
                oomScoreAdj(qosClass(pod), bytes(requests.get("memory")), bytes(nodeMemory)));
    }

    static long shares(long milliCpu) {
        if (milliCpu == 0) {
            return MIN_SHARES;
        }
        return Math.min(MAX_SHARES, Math.max(MIN_SHARES, milliCpu * 1024 / 1000));
    }

    static long oomScoreAdj(String qosClass, long memoryRequest, long nodeMemory) {
        return switch (qosClass) {
            case "Guaranteed" -> -997;
            case "BestEffort" -> 1000;
            default -> {
                if (nodeMemory <= 0) {
                    yield 999;
                }
                long score = 1000 - (1000 * memoryRequest) / nodeMemory;
                yield score < 2 ? 2 : Math.min(score, 999);
            }
        };
    }

    /** The QoS class the API server recorded at creation (Burstable when it is missing). */
    static String qosClass(Pod pod) {
        String recorded = pod.getStatus() == null ? null : pod.getStatus().getQosClass();
        return recorded == null || recorded.isEmpty() ? "Burstable" : recorded;
    }

    static long milli(Quantity quantity) {
        if (quantity == null) {
            return 0;
        }
        return Quantity.getAmountInBytes(quantity).multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    static long bytes(Quantity quantity) {
        if (quantity == null) {
            return 0;
        }
        return Quantity.getAmountInBytes(quantity).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
