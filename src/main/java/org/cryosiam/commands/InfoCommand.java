package org.cryosiam.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.cryosiam.io.FileInfo;
import org.cryosiam.run.Failures;
import org.cryosiam.run.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cryosiam info FILE...}: a quick look at tomograms, prediction files and tables. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe MRC, HDF5, OME-Zarr, STAR and CSV files: shape, mode or dtype, voxel size, value range; "
                + "for MRC every header field other tools may read differently (origin, start, axis order, sampling, "
                + "cell, space group, extended header type); for OME-Zarr the version, axes with types and units, "
                + "and each level's scale and translation; columns and row count. Reads each file completely, so it "
                + "also checks that the file is readable. For an output folder: the temporary files interrupted runs "
                + "left (with sizes), the per-tomogram locks and the status of the last run.")
public final class InfoCommand implements Callable<Integer>, RunContext.Receiver {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or output folders to describe.")
    List<Path> files;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "For HDF5 files: require this dataset (an error when it is absent).")
    String dataset;

    @Spec
    CommandSpec spec;

    private RunContext context;

    @Override
    public void use(RunContext context) {
        this.context = context;
    }

    /** Describes every file it can; one that cannot be read is reported and the others still are (exit 2 then). */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int exit = 0;
        for (Path f : files) {
            if (files.size() == 1) { // one file: its error is the command's, reported as any other
                FileInfo.describe(f, dataset).forEach(out::println);
                break;
            }
            try {
                FileInfo.describe(f, dataset).forEach(out::println);
            } catch (RuntimeException e) {
                out.flush();
                exit = Math.max(exit, Failures.report(e, spec.qualifiedName(), context.err(), context.debug()));
            }
            out.flush();
        }
        return exit;
    }
}
