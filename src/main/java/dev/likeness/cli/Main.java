package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `likeness` command line. Errors are one line on stderr with a non-zero exit, never a stack trace. */
@Command(name = "likeness", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Personalized Stable Diffusion in Java, for GIMP and Krita.",
        subcommands = {GenerateCommand.class, RetouchCommand.class, TokenizeCommand.class, InspectCommand.class,
                TrainCommand.class, ConceptsCommand.class, InstallPluginsCommand.class, BenchCommand.class,
                PerfusionCommand.class})
public final class Main {
    public static final String VERSION = "likeness 0.1.0";

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The whole command tree, with help on every command. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand("serve", new ServeCommand(new LocalEngine()));
        cli.addSubcommand("worker", new WorkerCommand(new LocalEngine()));
        cli.addSubcommand("pull", new PullCommand());
        cli.addSubcommand("models", new ModelsCommand());
        withHelpEverywhere(cli);
        return cli;
    }

    public static int run(String... args) {
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("likeness: error: " + describe(ex));
            if (System.getenv("LIKENESS_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return ex instanceof IOException || ex instanceof IllegalArgumentException ? 2 : 1;
        });
        cli.setParameterExceptionHandler((ex, parsed) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("likeness: error: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        return cli.execute(args);
    }

    /**
     * Every command and subcommand gets --help and --version, and every command with subcommands a {@code help}
     * subcommand ({@code likeness help generate}, {@code likeness concepts help export}), so no command can ship
     * without working help. picocli answers --help before it checks required options.
     */
    static void withHelpEverywhere(CommandLine cli) {
        CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
        if (!spec.mixinStandardHelpOptions()) {
            spec.mixinStandardHelpOptions(true);
        }
        spec.version(VERSION);
        if (!cli.getSubcommands().isEmpty() && !cli.getSubcommands().containsKey("help")) {
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                withHelpEverywhere(sub);
            }
        }
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.io.UncheckedIOException)) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ');
    }
}
