package dev.kapal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's core count and load average, printed with every result: on a shared 2-core box
 * other processes move absolute figures a lot, and ratios less, so readers need to know.
 */
final class MachineLoad {
    private MachineLoad() {
    }

    static String describe() {
        String load;
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            load = "unknown";
        }
        return Runtime.getRuntime().availableProcessors() + " cores, load average " + load;
    }
}
