package org.cryosiam.fuzz;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.io.Particles;
import org.cryosiam.io.Relion5Particles;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.log.Log;
import org.cryosiam.workflow.ParticleGrids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutation campaign of {@link ParserFuzzTest} (its input count and seed) on the files other tools write
 * (issue 28, item 16): RELION 5 particle lists, read as the processing commands read them (centred Å through each
 * tomogram's grid, optics pixel sizes, refinement shifts, Warp's fractions and copick picks told apart by content),
 * and OME-Zarr 0.5 on Zarr v3 metadata over a valid image.
 */
class FieldFormatsFuzzTest {
    @TempDir
    Path dir;

    private static final String RELION5 = "\n# version 50001\n\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n"
            + "_rlnOpticsGroupName #2\n_rlnTomoTiltSeriesPixelSize #3\n_rlnVoltage #4\n1 opticsGroup1 13.48 300.0\n"
            + "2 opticsGroup2 6.74 300.0\n\n# version 50001\n\ndata_particles\n\nloop_\n_rlnTomoName #1\n"
            + "_rlnCenteredCoordinateXAngst #2\n_rlnCenteredCoordinateYAngst #3\n_rlnCenteredCoordinateZAngst #4\n"
            + "_rlnOriginXAngst #5\n_rlnOriginYAngst #6\n_rlnOriginZAngst #7\n_rlnOpticsGroup #8\n_rlnAngleRot #9\n"
            + "_rlnAngleTilt #10\n_rlnAnglePsi #11\n"
            + "TS_01\t-134.8\t26.96\t0.0\t0.0\t1.5\t-2\t1\t10\t20\t30\n"
            + "TS_01\t161.759995\t-202.2\t53.92\t0\t0\t0\t1\t0\t0\t0\n"
            + "TS_02\t6.74\t0\t-6.74\t0\t0\t0\t2\t-45\t90\t180\n";
    private static final String WARP = "data_\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n"
            + "_rlnAngleRot #4\n_rlnAngleTilt #5\n_rlnAnglePsi #6\n_rlnMicrographName #7\n_rlnAutopickFigureOfMerit #8\n"
            + "0.5 0.25 0.75 0 0 0 TS_01.tomostar 0.9\n0.1 0.9 0.5 0 0 0 TS_01.tomostar 0.8\n";
    private static final String COPICK = "{\"pickable_object_name\": \"ribosome\", \"user_id\": \"cryosiam\", "
            + "\"session_id\": \"0\", \"run_name\": \"TS_01\", \"voxel_spacing\": 13.48, \"unit\": \"angstrom\", "
            + "\"points\": [{\"location\": {\"x\": 134.8, \"y\": 269.6, \"z\": 40.44}, \"score\": 0.5, "
            + "\"transformation_\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]}, "
            + "{\"location\": {\"x\": 0, \"y\": 0, \"z\": 0}}]}";

    @Test
    void relion5ParticleLists() throws Exception {
        ParserFuzzTest.campaign(relion5Target(), dir);
    }

    static Campaign.Target relion5Target() {
        return new Campaign.Target() {
            public String name() {
                return "relion5";
            }

            public String suffix() {
                return ".star";
            }

            public List<byte[]> seeds(Path d) {
                List<byte[]> s = new ArrayList<>();
                for (String t : new String[] {RELION5, WARP, COPICK, RELION5.replace("_rlnOpticsGroup #8\n", "")
                        .replace("\t1\t10", "\t10").replace("\t2\t-45", "\t-45")}) {
                    s.add(t.getBytes(StandardCharsets.UTF_8));
                }
                return s;
            }

            public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
                return m.text(seed, seeds);
            }

            public void parse(Path file) {
                // every tomogram 40 x 30 x 20 voxels with an unset header: the optics block's pixel size stands in
                Relion5Particles.Grids grids = (name, filePixelSize) -> ParticleGrids.grid(new int[] {40, 30, 20},
                        0f, null, filePixelSize, name, Log.silent());
                Particles p = Particles.read(file, "--coordinates_file", grids, Particles.Units.AUTO, "TS_01",
                        Log.silent());
                for (int i = 0; i < p.rows(); i++) {
                    int row = i;
                    Campaign.user(file, () -> Particles.voxel(p.x()[row]));
                }
            }
        };
    }

    /** OME-Zarr 0.5: a group zarr.json (attributes.ome.multiscales) and an array zarr.json, mutated one at a time. */
    @Test
    void omeZarrV3Metadata() throws Exception {
        ParserFuzzTest.campaign(new Campaign.Target() {
            public String name() {
                return "zarr-v3";
            }

            public String suffix() {
                return ".json";
            }

            public List<byte[]> seeds(Path d) {
                return List.of(GROUP.getBytes(StandardCharsets.UTF_8), ARRAY.getBytes(StandardCharsets.UTF_8));
            }

            public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
                return m.bytes(seed, seeds);
            }

            public void parse(Path file) throws Exception {
                Path img = file.resolveSibling(file.getFileName() + ".zarr");
                Files.createDirectories(img.resolve("0/c/0/0"));
                Files.writeString(img.resolve("zarr.json"), GROUP);
                Files.writeString(img.resolve("0/zarr.json"), ARRAY);
                byte[] chunk = new byte[4 * 5 * 6];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) (i % 7);
                }
                Files.write(img.resolve("0/c/0/0/0"), chunk);
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                Files.copy(file, img.resolve(text.contains("multiscales") ? "zarr.json" : "0/zarr.json"),
                        StandardCopyOption.REPLACE_EXISTING);
                try {
                    OmeZarr.Image i = OmeZarr.open(img);
                    i.readAll().minMax();
                    i.geometry();
                } catch (org.cryosiam.CryosiamUserException e) { // named a file of the image: reported as the input's
                    if (!e.getMessage().contains(img.toString())) {
                        throw new IllegalStateException("not naming a file of the image: " + e.getMessage(), e);
                    }
                    throw new org.cryosiam.CryosiamUserException(file + ": " + e.getMessage(), e);
                }
            }
        }, dir);
    }

    private static final String GROUP = "{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {\"ome\": "
            + "{\"version\": \"0.5\", \"multiscales\": [{\"axes\": [{\"name\": \"z\", \"type\": \"space\", \"unit\": "
            + "\"angstrom\"}, {\"name\": \"y\", \"type\": \"space\", \"unit\": \"angstrom\"}, {\"name\": \"x\", "
            + "\"type\": \"space\", \"unit\": \"nanometer\"}], \"datasets\": [{\"path\": \"0\", "
            + "\"coordinateTransformations\": [{\"type\": \"scale\", \"scale\": [13.48, 13.48, 1.348]}, {\"type\": "
            + "\"translation\", \"translation\": [10.0, -5.0, 0.5]}]}], \"name\": \"tomo\"}]}}}";
    private static final String ARRAY = "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [4, 5, 6], "
            + "\"data_type\": \"uint8\", \"chunk_grid\": {\"name\": \"regular\", \"configuration\": {\"chunk_shape\": "
            + "[4, 5, 6]}}, \"chunk_key_encoding\": {\"name\": \"default\", \"configuration\": {\"separator\": \"/\"}}, "
            + "\"fill_value\": 0, \"codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}], "
            + "\"dimension_names\": [\"z\", \"y\", \"x\"]}";
}
