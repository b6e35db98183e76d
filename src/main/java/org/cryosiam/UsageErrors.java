package org.cryosiam;

import java.io.PrintWriter;
import java.util.List;

import org.cryosiam.config.ConfigKeys;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Command-line mistakes as one sentence and exit code 2, instead of picocli's message followed by the whole usage:
 * an unknown command with the nearest one, a config given without {@code --config_file}, a missing option.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private final int exitCode;

    /** @param exitCode what a usage error exits with */
    UsageErrors(int exitCode) {
        this.exitCode = exitCode;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + sentence(ex, cmd, args) + "; see " + name + " --help.");
        err.flush();
        return exitCode;
    }

    /** The mistake, without a full stop (the caller adds where to look). */
    private static String sentence(ParameterException ex, CommandLine cmd, String[] args) {
        boolean takesConfig = cmd.getCommandSpec().findOption("--config_file") != null;
        if (takesConfig) { // a config given the wrong way is named even when --config_file is then missing
            for (String a : args) {
                if (a.equals("--config") || a.startsWith("--config=")) {
                    return "unknown option " + a + " (did you mean --config_file?)";
                }
            }
        }
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (cmd.getParent() == null && !arg.startsWith("-")) {
                String near = nearest(arg, cmd.getSubcommands().keySet());
                return "unknown command " + arg + (near == null ? "" : " (did you mean " + near + "?)");
            }
            boolean configGiven = java.util.Arrays.stream(args)
                    .anyMatch(a -> a.matches("--config[_-]file(=.*)?"));
            if (!arg.startsWith("-") && takesConfig && !configGiven) {
                return "unexpected argument " + arg + "; give the config as --config_file " + arg;
            }
            List<String> near = u.getSuggestions();
            return (arg.startsWith("-") ? "unknown option " : "unexpected argument ") + arg
                    + (near.isEmpty() ? "" : " (did you mean " + near.get(0) + "?)");
        }
        if (ex instanceof MissingParameterException m && m.getMissing().stream()
                .anyMatch(a -> a.isOption() && ((CommandLine.Model.OptionSpec) a).longestName().startsWith("--config"))) {
            for (int i = 0; i < args.length; i++) {
                boolean value = i > 0 && args[i - 1].startsWith("-");
                if (!args[i].startsWith("-") && !value && (args[i].endsWith(".yaml") || args[i].endsWith(".yml"))) {
                    return "unexpected argument " + args[i] + "; give the config as --config_file " + args[i];
                }
            }
            return "missing --config_file FILE, the YAML config of this step";
        }
        String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage().strip();
        return msg.endsWith(".") ? msg.substring(0, msg.length() - 1) : msg;
    }

    /** The closest name by edit distance, or null when none is close (at most a third of the letters differ). */
    private static String nearest(String word, Iterable<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String n : names) {
            int d = ConfigKeys.editDistance(word, n);
            if (d < bestDistance) {
                bestDistance = d;
                best = n;
            }
        }
        return bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }
}
