package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.MrcHeader;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Particles;
import org.cryosiam.io.Table;
import org.cryosiam.log.Log;
import org.cryosiam.ops.RigidTransform;
import org.cryosiam.volume.Volume;

/**
 * {@code processing_create_binary_map_after_sta}: place the binarised subtomogram average at every particle,
 * rotated by the particle's Euler angles.
 */
public final class ProcessingCreateBinaryMapAfterSta {
    public static final String NAME = "processing_create_binary_map_after_sta";

    /** The flags of the step, as given. */
    public record Settings(Path starFile, Path mapFile, Path outputDir, String mapThresholdText, Path exampleTomogram,
            String tomoName, ParticleReading reading) {
        /** The folders the step writes, by the flag that names them, checked for write permission before any work. */
        public java.util.Map<String, Path> outputFolders() {
            return java.util.Map.of("--output_dir", outputDir);
        }
    }

    private final Settings settings;
    private final Log log;

    public ProcessingCreateBinaryMapAfterSta(Settings settings, Log log) {
        this.settings = settings;
        this.log = log;
    }

    public void run() {
        double mapThreshold = Flags.number("--map_threshold", settings.mapThresholdText());
        TomogramTemplate template = TomogramTemplate.of(settings.exampleTomogram(), "--example_tomogram");
        Double pixelSize = settings.reading().pixelSize();
        Particles particles = Particles.read(settings.starFile(), "--star_file", true, template.grids(pixelSize, log), settings.reading().units(), log);
        Table t = particles.table();
        Particles.requireColumns(t, settings.starFile(), "--star_file", "STAR", ANGLES);
        double[] rot = t.doubles(ANGLES[0]), tilt = t.doubles(ANGLES[1]), psi = t.doubles(ANGLES[2]);

        Volume map = MrcReader.read(settings.mapFile());
        float[] binary = map.data();
        int nonzero = 0;
        for (int i = 0; i < binary.length; i++) {
            binary[i] = binary[i] > mapThreshold ? 1f : 0f;
            nonzero += (int) binary[i];
        }
        if (nonzero == 0) {
            log.warn(settings.mapFile() + ": no voxel is above --map_threshold " + mapThreshold
                    + "; the masks will be empty.");
        }
        int mz = map.nz(), my = map.ny(), mx = map.nx();

        Map<String, int[]> groups = particles.byTomogram(settings.tomoName(), template.defaultName());
        Map<String, MrcHeader> headers = template.headers(groups.keySet()); // every tomogram found before writing
        template.refuseOverwritingInputs(settings.outputDir(), groups.keySet(), settings.starFile(),
                settings.mapFile());
        Map<String, int[][]> centresOf = new java.util.HashMap<>();
        for (Map.Entry<String, int[]> g : groups.entrySet()) { // every tomogram checked before any is written
            MrcHeader h = headers.get(g.getKey());
            float[] voxel = pixelSize == null ? h.voxelSize()
                    : new float[] {pixelSize.floatValue(), pixelSize.floatValue(), pixelSize.floatValue()};
            int[][] c = centres(particles, g.getValue(), voxel);
            ParticlesInside.check(log, settings.starFile(), g.getKey(), c, h.nz(), h.ny(), h.nx());
            centresOf.put(g.getKey(), c);
        }
        for (Map.Entry<String, int[]> g : groups.entrySet()) {
            String name = g.getKey();
            int[] rows = g.getValue();
            MrcHeader h = headers.get(name);
            int nz = h.nz(), ny = h.ny(), nx = h.nx();
            int[][] centre = centresOf.get(name);
            byte[] mask = new byte[Math.multiplyExact(Math.multiplyExact(nz, ny), nx)];
            // particles in parallel: each only sets voxels to 1, so the union does not depend on the order
            IntStream.range(0, rows.length).parallel().forEach(i -> {
                int r = rows[i];
                double[][] m = RigidTransform.eulerZYZ(rot[r], tilt[r], psi[r]);
                RigidTransform.pasteRotatedMask(binary, mz, my, mx, m, mask, nz, ny, nx,
                        centre[i][0], centre[i][1], centre[i][2], (byte) 1);
            });
            Path out = settings.outputDir().resolve(template.outputName(name));
            MrcWriter.write(out, NdData.uint8(mask, nz, ny, nx), h.geometry(), NAME);
            int outside = ParticlesInside.outside(centre, nz, ny, nx);
            log.info("wrote " + out + " (" + Words.count(rows.length, "particle")
                    + (outside > 0 ? ", " + outside + " outside the tomogram" : "") + ")");
        }
    }

    private static final String[] ANGLES = {"rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"};

    /**
     * The {@code (z, y, x)} voxel of each given row: {@code int(coordinate − origin)} per axis, the origin being
     * {@code rlnOrigin?Angst / voxel size} (RELION 3.1+) or {@code rlnOrigin?} in pixels (older files), 0 when absent.
     * RELION 5 rows had their shifts applied when their centred Å were converted to voxels.
     */
    private static int[][] centres(Particles p, int[] rows, float[] voxel) {
        double[][] coords = {p.z(), p.y(), p.x()};
        String[] axes = {"Z", "Y", "X"};
        float[] size = {voxel[2], voxel[1], voxel[0]};
        double[][] shift = new double[3][];
        for (int a = 0; a < 3 && !p.centred(); a++) {
            String angst = "rlnOrigin" + axes[a] + "Angst";
            String pixels = "rlnOrigin" + axes[a];
            if (p.table().hasColumn(angst)) {
                if (!(size[a] > 0)) {
                    throw new CryosiamUserException(p.file() + " has " + angst + " but the tomogram's voxel size along "
                            + axes[a].toLowerCase() + " is " + size[a] + ", so the shift cannot be converted to voxels.");
                }
                shift[a] = p.table().doubles(angst);
                for (int i = 0; i < shift[a].length; i++) {
                    shift[a][i] /= size[a];
                }
            } else if (p.table().hasColumn(pixels)) {
                shift[a] = p.table().doubles(pixels);
            }
        }
        int[][] c = new int[rows.length][3];
        for (int i = 0; i < rows.length; i++) {
            int row = rows[i];
            for (int a = 0; a < 3; a++) {
                double v = coords[a][row] - (shift[a] == null ? 0.0 : shift[a][row]);
                if (!Double.isFinite(v) || Math.abs(v) > Integer.MAX_VALUE) {
                    throw new CryosiamUserException(p.file() + ": row " + (row + 1) + " has the coordinate " + v
                            + " along " + axes[a].toLowerCase(java.util.Locale.ROOT) + ", not a voxel position.");
                }
                c[i][a] = (int) v; // Python's int(): towards zero
            }
        }
        return c;
    }
}
