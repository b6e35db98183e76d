package org.cryosiam.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.cryosiam.Fixtures;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Relion5Particles;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.log.Log;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RELION 5 coordinates are measured on the same grid whether the tomogram is an MRC file or an OME-Zarr folder. */
class ParticleGridsTest {
    @TempDir
    Path dir;

    @Test
    void anOmeZarrTomogramGivesTheGridOfItsMrcOriginal() {
        Path mrc = Fixtures.pipelineSmall().resolve("tomograms").resolve("TS_01.mrc");
        Volume v = MrcReader.read(mrc);
        Path zarr = dir.resolve("TS_01.zarr");
        OmeZarr.write(zarr, NdData.float32(v.data(), v.shape()), v.voxelSize(), 1, false, "TS_01");
        Relion5Particles.Grid fromMrc = ParticleGrids.grid(mrc, null, null, Log.silent());
        Relion5Particles.Grid fromZarr = ParticleGrids.grid(zarr, null, null, Log.silent());
        assertArrayEquals(new int[] {v.nx(), v.ny(), v.nz()}, fromZarr.size());
        assertArrayEquals(fromMrc.size(), fromZarr.size());
        assertEquals(fromMrc.pixelSize(), fromZarr.pixelSize(), 1e-5);
        assertEquals(2.5, ParticleGrids.grid(zarr, 2.5, null, Log.silent()).pixelSize(), 0); // the config's pixel_size wins
    }
}
