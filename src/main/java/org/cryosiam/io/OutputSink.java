package org.cryosiam.io;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a run does with the output files it writes: notes each one when it is complete, and gives the string
 * attributes every HDF5 output carries in its root group. A config-driven command's run record is one
 * ({@code org.cryosiam.zoo.RunRecord}); writers outside such a run use {@link #NONE}. Passed to the writers as a
 * parameter (no global observer).
 */
public interface OutputSink {
    /** Notes nothing, adds no attributes. */
    OutputSink NONE = new OutputSink() {
        @Override
        public void written(Path file) {
        }

        @Override
        public Map<String, String> hdf5Attributes() {
            return Map.of();
        }
    };

    /** {@code file} is complete (renamed to its final name). */
    void written(Path file);

    /** The string attributes of the root group of each HDF5 file written. */
    Map<String, String> hdf5Attributes();
}
