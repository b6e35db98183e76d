package org.cryosiam.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.zarr.OmeZarr;

/**
 * A short human-readable description of one of our files, chosen by extension: MRC shape, mode, voxel size and value
 * range; HDF5 datasets with shape, dtype and range; OME-Zarr levels; STAR/CSV columns and row count. Reading the whole file is the
 * point: a file that describes without error is one the commands can read.
 */
public final class FileInfo {
    private FileInfo() {
    }

    /**
     * @param requiredDataset for HDF5, a dataset that must exist (null: none)
     * @return lines to print
     */
    public static List<String> describe(Path file, String requiredDataset) {
        if (java.nio.file.Files.isDirectory(file) && !OmeZarr.isZarr(file)) {
            return folder(file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".mrc") || name.endsWith(".rec") || name.endsWith(".map") || name.endsWith(".mrcs")
                || name.endsWith(".st") || name.endsWith(".ali")) {
            return mrc(file);
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".hdf")) {
            return hdf5(file, requiredDataset);
        }
        if (OmeZarr.isZarr(file)) {
            return zarr(file);
        }
        if (name.endsWith(".star")) {
            return table(file, StarFile.readTable(file), "STAR");
        }
        if (name.endsWith(".csv")) {
            return table(file, Csv.read(file), "CSV");
        }
        throw new CryosiamUserException(file + ": unknown file type (expected .mrc, .rec, .map, .h5, .zarr, .star or "
                + ".csv).");
    }

    private static List<String> mrc(Path file) {
        MrcReader.MrcData d = MrcReader.readData(file);
        MrcHeader h = d.header();
        float[] vs = h.voxelSize();
        double[] mm = d.data().minMax();
        List<String> out = new ArrayList<>();
        out.add(file + ": MRC");
        out.add(String.format(Locale.ROOT, "  shape (z, y, x): (%d, %d, %d)  mode %d (%s)  %s-endian", h.nz(), h.ny(),
                h.nx(), h.mode(), d.data().type().numpyName(),
                h.byteOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? "little" : "big"));
        out.add(String.format(Locale.ROOT, "  voxel size (x, y, z): %s, %s, %s Å", vs[0], vs[1], vs[2]));
        float[] o = h.origin();
        int[] st = h.start();
        out.add(String.format(Locale.ROOT, "  origin (x, y, z): %s, %s, %s Å  start (x, y, z): %d, %d, %d", o[0], o[1],
                o[2], st[0], st[1], st[2]));
        int[] order = h.axisOrder();
        String[] axis = {"", "x", "y", "z"};
        out.add(String.format(Locale.ROOT, "  axis order (mapc, mapr, maps): %d, %d, %d (columns along %s, rows along "
                + "%s, sections along %s)%s  sampling (mx, my, mz): %d, %d, %d  cell (x, y, z): %s, %s, %s Å",
                order[0], order[1], order[2], axis[order[0]], axis[order[1]], axis[order[2]],
                h.standardAxisOrder() ? "" : ", read into (z, y, x)", h.mx(), h.my(), h.mz(), h.cella()[0],
                h.cella()[1], h.cella()[2]));
        out.add(String.format(Locale.ROOT, "  space group %d  MRC version %d  extended header: %s", h.ispg(),
                h.nversion(), h.nsymbt() == 0 ? "none" : h.nsymbt() + " bytes, type "
                        + (h.extType().isEmpty() ? "not set" : h.extType())));
        out.add("  min " + num(mm[0]) + "  max " + num(mm[1]) + "  mean " + num(mean(d.data())));
        return out;
    }

    private static List<String> hdf5(Path file, String requiredDataset) {
        List<String> names = Hdf5.datasetNames(file);
        if (requiredDataset != null && !names.contains(requiredDataset)) {
            throw new CryosiamUserException(file + ": no dataset '" + requiredDataset + "' (found: "
                    + String.join(", ", names) + ").");
        }
        List<String> out = new ArrayList<>();
        out.add(file + ": HDF5, " + names.size() + " dataset(s)");
        float[] vs = Hdf5.voxelSize(file);
        if (vs != null) {
            out.add(String.format(Locale.ROOT, "  voxel size (x, y, z): %s, %s, %s Å", vs[0], vs[1], vs[2]));
        }
        for (String n : names) {
            NdData d = Hdf5.read(file, n);
            double[] mm = d.minMax();
            out.add("  " + n + "  shape " + shape(d.shape()) + "  " + d.type().numpyName() + (d.size() == 0
                    ? "  no values (a zero-length axis)" : "  min " + num(mm[0]) + "  max " + num(mm[1])));
        }
        return out;
    }

    private static List<String> table(Path file, Table t, String kind) {
        List<String> out = new ArrayList<>();
        out.add(file + ": " + kind + ", " + t.rowCount() + " row(s), " + t.columns().size() + " column(s)");
        for (String c : t.columns()) {
            // a column of an empty table has no type to speak of
            out.add("  " + c + (t.rowCount() == 0 ? "" : "  " + t.type(c).name().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    /**
     * An output folder: what its runs left that is not an output, namely temporary files of interrupted runs (with
     * sizes and whether their writer still runs) and per-tomogram locks, and the status of its last recorded run.
     */
    private static List<String> folder(Path dir) {
        List<String> out = new ArrayList<>();
        List<AtomicFile.Leftover> temporaries = AtomicFile.leftovers(dir);
        List<Path> locks = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            s.filter(p -> WorkLock.isLockName(p.getFileName().toString())).sorted().forEach(locks::add);
        } catch (java.io.IOException e) {
            throw new CryosiamUserException(dir + ": cannot list the folder (" + e.getMessage() + ").", e);
        }
        out.add(dir + ": folder" + lastRun(dir));
        if (temporaries.isEmpty() && locks.isEmpty()) {
            out.add("  no temporary files and no locks");
        }
        for (AtomicFile.Leftover t : temporaries) {
            out.add("  temporary " + t.describe() + ": " + switch (t.owner()) {
                case GONE -> "left by an interrupted run; the next run in this folder removes it";
                case RUNNING -> "being written by a running process";
                case OTHER_HOST -> "written on another host";
            });
        }
        for (Path l : locks) {
            out.add("  lock " + l.getFileName() + ": " + WorkLock.describe(l));
        }
        return out;
    }

    /** ", last run: denoise_predict interrupted (...)" from the folder's run record, or "". */
    private static String lastRun(Path dir) {
        Path record = dir.resolve("cryosiam_run.json");
        try {
            if (java.nio.file.Files.isRegularFile(record)
                    && Json.parse(java.nio.file.Files.readString(record)) instanceof List<?> runs && !runs.isEmpty()
                    && runs.get(runs.size() - 1) instanceof java.util.Map<?, ?> last) {
                Object error = last.get("error");
                return ", last run: " + last.get("command") + " " + last.get("status") + " at " + last.get("end")
                        + (error == null ? "" : " (" + error + ")");
            }
        } catch (java.io.IOException | RuntimeException e) {
            return ", run record unreadable";
        }
        return "";
    }

    /** Every level of an OME-Zarr image; the values of the full-resolution one. */
    private static List<String> zarr(Path file) {
        OmeZarr.Image full = OmeZarr.open(file);
        List<String> out = new ArrayList<>();
        out.add(file + ": " + (full.version() == null ? "Zarr array" : "OME-Zarr " + full.version()) + " (Zarr v"
                + full.array().zarrFormat() + "), " + full.levels() + " level(s)");
        out.add("  axes: " + String.join(", ", full.axes()));
        for (int l = 0; l < full.levels(); l++) {
            OmeZarr.Image img = l == 0 ? full : OmeZarr.open(file, l);
            float[] vs = img.voxelSize();
            float[] t = img.translation();
            out.add(String.format(Locale.ROOT, "  level %d  shape (z, y, x) %s  %s  chunks %s  voxel size (x, y, z): "
                    + "%s, %s, %s Å  translation (x, y, z): %s, %s, %s Å", l, shape(img.shape()),
                    img.type().numpyName(), shape(img.array().chunks()), vs[0], vs[1], vs[2], t[0], t[1], t[2]));
        }
        // row of chunks by row of chunks: the metadata may declare far more than memory holds (missing chunks are
        // the fill value), and the values are summed in the same order as over the whole array
        int[] s = full.shape();
        int depth = full.zChunkDepth();
        double min = Double.NaN;
        double max = Double.NaN;
        double sum = 0;
        for (int z = 0; z < s[0]; z += depth) {
            NdData d = full.read(new int[] {z, 0, 0}, new int[] {Math.min(depth, s[0] - z), s[1], s[2]});
            double[] mm = d.minMax();
            min = Double.isNaN(min) || mm[0] < min ? mm[0] : min;
            max = Double.isNaN(max) || mm[1] > max ? mm[1] : max;
            for (double v : d.toDoubleArray()) {
                sum += v;
            }
        }
        long n = (long) s[0] * s[1] * s[2];
        out.add("  min " + num(min) + "  max " + num(max) + "  mean " + num(n == 0 ? Double.NaN : sum / n));
        return out;
    }

    private static double mean(NdData d) {
        double[] v = d.toDoubleArray();
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static String shape(int[] s) {
        String a = Arrays.toString(s).replace('[', '(').replace(']', ')');
        return s.length == 1 ? a.replace(")", ",)") : a;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.6g", v);
    }
}
