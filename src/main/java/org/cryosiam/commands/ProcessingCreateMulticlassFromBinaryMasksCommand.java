package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.workflow.ProcessingCreateMulticlassFromBinaryMasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_create_multiclass_from_binary_masks}: {@link ProcessingCreateMulticlassFromBinaryMasks}. */
@Command(name = ProcessingCreateMulticlassFromBinaryMasks.NAME, mixinStandardHelpOptions = true,
        header = "Merge per-label binary masks into multi-class masks.",
        description = {"Merge binary masks into multi-class masks (uint8 MRC). The root folder holds one sub-folder "
                + "per label, sorted by name (label = position, from 1), each with binary masks of the same file "
                + "names; every voxel > 0 of a label's mask (any non-zero byte in mode 0) takes the label, later labels winning.",
                "Writes D/<file name> with the voxel size of the first label's mask."})
public final class ProcessingCreateMulticlassFromBinaryMasksCommand extends FlagCommand {
    @Option(names = {"--root_binary_masks_folder", "--root-binary-masks-folder"}, required = true, paramLabel = "DIR",
            description = "Folder with one sub-folder of binary masks per label.")
    Path root;

    @Option(names = {"--output_dir", "--output-dir"}, required = true, paramLabel = "DIR",
            description = "Folder for the multi-class masks (same file names as the binary masks).")
    Path outputDir;

    @Option(names = {"--tomo_name", "--tomo-name"}, paramLabel = "NAME",
            description = "Process only this mask file name (with its extension, e.g. TS_01.mrc).")
    String tomoName;

    private ProcessingCreateMulticlassFromBinaryMasks.Settings settings() {
        return new ProcessingCreateMulticlassFromBinaryMasks.Settings(root, outputDir, tomoName);
    }

    @Override
    protected Map<String, Path> outputFolders() {
        return settings().outputFolders();
    }

    @Override
    protected void run() {
        new ProcessingCreateMulticlassFromBinaryMasks(settings(), log).run();
    }
}
