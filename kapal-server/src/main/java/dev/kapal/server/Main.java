package dev.kapal.server;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * The entry point of the {@code kapal} binary. Usage errors (unknown flags, bad values) print one
 * line on stderr and exit 2, as shells and scripts expect; the full usage is one {@code --help}
 * away and would only bury the actual mistake.
 */
public final class Main {
    static final int USAGE_ERROR = 2;
    static final int FAILURE = 1;

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int status = execute(args, out, err, System.getenv(), new ServerCommand.Runner.Production());
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * Runs the command line and returns the exit status.
     *
     * @param environment where {@code KAPAL_*} defaults come from
     * @param runner      what {@code kapal server} does with its resolved configuration
     */
    static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment,
                       ServerCommand.Runner runner) {
        CommandLine commandLine = new CommandLine(new KapalCommand());
        commandLine.addSubcommand(new ServerCommand(runner));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(environment));
        commandLine.setParameterExceptionHandler((problem, arguments) -> {
            CommandLine failing = problem.getCommandLine();
            err.println(failing.getCommandSpec().qualifiedName() + ": " + oneLine(problem.getMessage())
                    + " (see '" + failing.getCommandSpec().qualifiedName() + " --help')");
            return USAGE_ERROR;
        });
        commandLine.setExecutionExceptionHandler((problem, failing, parseResult) -> {
            err.println(failing.getCommandSpec().qualifiedName() + ": " + oneLine(String.valueOf(problem.getMessage())));
            return FAILURE;
        });
        return commandLine.execute(args);
    }

    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** The top-level command: {@code kapal} alone prints the usage, as k3s does. */
    @CommandLine.Command(name = "kapal", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
            description = "Kapal: a Kubernetes-compatible cluster in one Java program.",
            synopsisSubcommandLabel = "COMMAND")
    static final class KapalCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }
}
