package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SubtomogramPatches;
import org.cryosiam.io.Csv;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.Particles;
import org.cryosiam.io.Relion5Particles;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.cryosiam.io.Tomograms;
import org.cryosiam.log.Log;
import org.cryosiam.volume.Volume;

/**
 * {@code simsiam_embeddings_from_centers_predict}: one SimSiam embedding per particle centre of a STAR or
 * CSV file, from the box of half-size {@code centers_patch_size} around it (spec/commands.md; the box starts at
 * {@code max(c − h, 0)}, not at the volume origin as in the reference).
 */
public final class EmbeddingsFromCenters {
    public static final String NAME = "simsiam_embeddings_from_centers_predict";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new EmbeddingsFromCenters(Settings.from(cfg), run).run()).skippingFinished();

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the input list, the model and the STAR options
     */
    public record Settings(Config config, Path dataFolder, Path outFolder, String ext, int half, Double pixelSize,
                           Path centersFile) {
        public static Settings from(Config cfg) {
            ParticleGrids.check(cfg); // a bad star_format is reported before any work
            Path dataFolder = cfg.path("data_folder");
            Path outFolder = cfg.path("prediction_folder");
            String ext = cfg.string("file_extension");
            int half = cfg.integer("centers_patch_size");
            if (half < 1) {
                throw new CryosiamUserException(cfg.source() + ": centers_patch_size must be at least 1.");
            }
            Double pixelSize = ParticleGrids.configPixelSize(cfg);
            Path centersFile = cfg.path("centers_file");
            return new Settings(cfg, dataFolder, outFolder, ext, half, pixelSize, centersFile);
        }
    }

    private final Settings settings;
    private final StepRun run;

    public EmbeddingsFromCenters(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path dataFolder = settings.dataFolder();
        Path outFolder = settings.outFolder();
        String ext = settings.ext();
        int half = settings.half();
        Double pixelSize = settings.pixelSize();
        Path centersFile = settings.centersFile();
        Table centers = readCenters(centersFile, outFolder, (name, filePixelSize) -> {
            Path tomogram = dataFolder.resolve(name + ext); // RELION 5 centres are measured on this tomogram
            if (!java.nio.file.Files.exists(tomogram)) {
                throw new CryosiamUserException(tomogram + ": not found, but the RELION 5 centres of " + name + " in "
                        + centersFile + " are measured from its centre and pixel size.");
            }
            return ParticleGrids.grid(tomogram, pixelSize, filePixelSize, run.log());
        }, run.log(), run.outputs());
        // the rows of each tomogram, found in one pass (not one pass over every row per tomogram)
        Map<String, int[]> rowsOf = rowsByTomogram(centers.strings("tomo"));
        List<String> files = run.inputFiles(cfg, "data_folder");
        StepRun.refuseOverwritingInputs(dataFolder, files, ext, outFolder, EmbeddingOutputs.SUFFIXES);
        try (EmbeddingModel model = EmbeddingModel.load(run.context(), cfg,
                "simsiam_embeddings_from_centers_predict")) {
            List<String> todo = run.unfinished(files, ext, name -> EmbeddingOutputs.files(outFolder,
                    InputFiles.stem(name, ext)));
            run.forEachInput(todo, name -> {
                String stem = InputFiles.stem(name, ext);
                int[] mine = rowsOf.getOrDefault(stem, new int[0]);
                if (mine.length == 0) {
                    run.log().info("no coordinates for " + name + " in " + centersFile);
                    return;
                }
                Path file = dataFolder.resolve(name);
                Tomograms.requireWhole(file, Tomograms.shape(file), Tomograms.wholeReadBytesPerVoxel(file),
                        run.context().maxMemory(), "the tomogram's voxels");
                Volume tomogram = Tomograms.read(file);
                Preprocessing.standard(tomogram, model.intensity);
                Table rows = RegionTables.rows(centers, mine);
                embed(model, tomogram, rows, half, outFolder, stem, cfg);
            });
        }
    }

    /**
     * The centres as a regions table ({@code label}, {@code tomo}, {@code centroid-0..2}, optional {@code area},
     * other columns kept); without labels, numbers the rows 1..N and writes {@code centers_with_labels.star|csv}.
     * RELION 5 centres (centred Å) are converted to voxels on the grid {@code grids} gives for a tomogram name.
     */
    public static Table readCenters(Path file, Path outFolder, Relion5Particles.Grids grids, Log log,
                             OutputSink outputs) {
        Particles.Format format = Particles.format(file, "centers_file"); // by content: STAR, CSV or copick picks
        boolean star = format != Particles.Format.CSV; // copick picks come as a table with RELION's column names
        Table t = switch (format) {
            case STAR -> Particles.readStar(file, grids, Particles.Units.AUTO, log);
            case COPICK -> Particles.copickTable(file, grids, null);
            default -> Csv.read(file);
        };
        // RELION 4/5 name the tomogram rlnTomoName; rlnMicrographName wins where both are given
        Map<String, String> names = RegionTables.fromStarNames();
        if (star && !t.hasColumn("rlnMicrographName") && t.hasColumn("rlnTomoName")) {
            names.put("rlnTomoName", "tomo");
        }
        Table named = star ? t.renamed(names) : t;
        // everything checked before centers_with_labels (or anything else) is written
        for (String c : List.of("tomo", "centroid-0", "centroid-1", "centroid-2")) {
            if (!named.hasColumn(c)) {
                throw new CryosiamUserException(file + ": no column " + (star ? starName(c) : "'" + c + "'")
                        + " (STAR: rlnMicrographName or rlnTomoName, rlnCoordinateZ/Y/X or RELION 5's "
                        + "rlnCenteredCoordinateZ/Y/XAngst, optional rlnLabel; CSV: tomo, "
                        + "centroid-0..2, optional label).");
            }
        }
        Particles.checkCoordinates(file, named, "centroid-0", "centroid-1", "centroid-2");
        if (named.hasColumn("label")) {
            named.longs("label"); // whole numbers (a message naming the file otherwise)
            return named;
        }
        String label = star ? "rlnLabel" : "label";
        t = RegionTables.withFirstColumn(t, label, oneToN(t.rowCount()));
        Path out = outFolder.resolve(star ? "centers_with_labels.star" : "centers_with_labels.csv");
        if (star) {
            StarFile.write(out, t, outputs);
        } else {
            Csv.write(out, t, outputs);
        }
        log.info("wrote " + out);
        return star ? t.renamed(names) : t;
    }

    /** For each tomogram name, the indices of its rows in file order. */
    static Map<String, int[]> rowsByTomogram(String[] tomo) {
        Map<String, int[]> counts = new java.util.HashMap<>();
        for (String t : tomo) {
            counts.computeIfAbsent(t, k -> new int[1])[0]++;
        }
        Map<String, int[]> rows = new java.util.HashMap<>();
        Map<String, int[]> filled = new java.util.HashMap<>();
        counts.forEach((t, c) -> {
            rows.put(t, new int[c[0]]);
            filled.put(t, new int[1]);
        });
        for (int i = 0; i < tomo.length; i++) {
            rows.get(tomo[i])[filled.get(tomo[i])[0]++] = i;
        }
        return rows;
    }

    private static String starName(String column) {
        return column.equals("tomo") ? "rlnMicrographName (or rlnTomoName)" : RegionTables.STAR_NAMES.get(column);
    }

    private static long[] oneToN(int n) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = i + 1;
        }
        return l;
    }

    private void embed(EmbeddingModel model, Volume tomogram, Table rows, int half, Path outFolder,
            String stem, Config cfg) {
        int n = rows.rowCount();
        long[] labels = rows.longs("label");
        double[][] c = {rows.doubles("centroid-0"), rows.doubles("centroid-1"), rows.doubles("centroid-2")};
        int[] size = tomogram.shape();
        double[][] embeddings = model.embed(run.context().progress(), stem, n, k -> {
            int[] lo = new int[3];
            int[] hi = new int[3];
            for (int a = 0; a < 3; a++) {
                long centre = (long) c[a][k]; // Python int(): truncation
                lo[a] = (int) Math.min(Math.max(centre - half, 0), size[a]);
                hi[a] = (int) Math.max(lo[a], Math.min(centre + half, size[a]));
            }
            return SubtomogramPatches.crop(tomogram, lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
        });
        Table.Builder b = rows.toBuilder().remove("tomo");
        if (!rows.hasColumn("area")) {
            long[] area = new long[n];
            java.util.Arrays.fill(area, (long) half * half * half);
            b.longs("area", area);
        }
        Table csv = b.build();
        EmbeddingOutputs.write(outFolder, stem, embeddings, labels, csv, Csv.Dialect.PANDAS,
                csv.renamed(RegionTables.STAR_NAMES), cfg, run.log(), run.outputs());
    }
}
