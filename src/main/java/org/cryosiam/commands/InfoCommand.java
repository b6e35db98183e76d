package org.cryosiam.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.cryosiam.io.FileInfo;
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
public final class InfoCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or output folders to describe.")
    List<Path> files;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "For HDF5 files: require this dataset (an error when it is absent).")
    String dataset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Path f : files) {
            for (String line : FileInfo.describe(f, dataset)) {
                out.println(line);
            }
            out.flush();
        }
        return 0;
    }
}
