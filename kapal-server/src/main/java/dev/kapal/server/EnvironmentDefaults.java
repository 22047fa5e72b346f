package dev.kapal.server;

import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;

/**
 * Takes flag values from {@code KAPAL_*} environment variables when the flag is not given, the
 * way k3s reads {@code K3S_*}: {@code --datastore-endpoint} from {@code KAPAL_DATASTORE_ENDPOINT}
 * and so on, with k3s' two special names for the kubeconfig flags. A flag on the command line wins.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    private static final Map<String, String> SPECIAL = Map.of(
            "--write-kubeconfig", "KAPAL_KUBECONFIG_OUTPUT",
            "--write-kubeconfig-mode", "KAPAL_KUBECONFIG_MODE");

    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** The variable that supplies {@code longName}'s default. */
    static String variableFor(String longName) {
        return SPECIAL.getOrDefault(longName,
                "KAPAL_" + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(java.util.Locale.ROOT));
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argument) {
        if (argument instanceof CommandLine.Model.OptionSpec option && !option.usageHelp() && !option.versionHelp()) {
            String value = environment.get(variableFor(option.longestName()));
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return argument.defaultValue();
    }
}
