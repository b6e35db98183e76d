package org.cryosiam.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.io.zarr.Downsample;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.workflow.Flags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cryosiam convert IN OUT}: a volume between MRC, OME-Zarr and an HDF5 dataset, keeping its voxel size. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        header = "Convert a volume between MRC, OME-Zarr and an HDF5 dataset.",
        description = {"Converts one volume (z, y, x) between MRC (.mrc, .rec, .map), OME-Zarr (.zarr) and a dataset "
                + "of an HDF5 file (FILE.h5:NAME, e.g. TS_01_preds.h5:labels), keeping its values, type and voxel "
                + "size.",
                "OME-Zarr is written as OME-NGFF v0.4 on Zarr v2 (axes z, y, x in angstrom, scale = voxel size, "
                        + "64^3 chunks, Blosc lz4): a pyramid of levels halving until the smallest side is below 64, "
                        + "label maps (integer types) downsampled by mode, intensities by mean. OME-Zarr v0.4 and "
                        + "v0.5 (Zarr v3) are read.",
                "An HDF5 output keeps the file's other datasets. MRC has no mode for 32-bit integers: labels that "
                        + "fit 16 bits are written as int16/uint16, larger ones are refused; float64 becomes "
                        + "float32."})
public final class ConvertCommand extends FlagCommand {
    @Parameters(index = "0", paramLabel = "IN",
            description = "The volume to read: FILE.mrc, DIR.zarr or FILE.h5:NAME.")
    String in;

    @Parameters(index = "1", paramLabel = "OUT",
            description = "The volume to write: FILE.mrc, DIR.zarr or FILE.h5:NAME.")
    String out;

    @Option(names = "--levels", paramLabel = "N",
            description = "OME-Zarr output: pyramid levels (default: halving until the smallest side is below 64).")
    String levelsText;

    @Option(names = "--downsample", paramLabel = "auto|mean|mode",
            description = "OME-Zarr output: how lower levels are made (default auto: mode for integer types, mean "
                    + "for floats).")
    String downsample = "auto";

    @Option(names = "--level", paramLabel = "L",
            description = "OME-Zarr input: the level to read (default 0, full resolution).")
    String levelText;

    @Option(names = "--voxel-size", paramLabel = "A",
            description = "Voxel size in Å to write, instead of the input's (an HDF5 file without a voxel_size "
                    + "attribute gives 1 Å otherwise).")
    String voxelText;

    /** What a command-line volume names. */
    enum Kind { MRC, ZARR, HDF5 }

    /** A volume on the command line: a file or folder, and for HDF5 the dataset name. */
    record Target(Kind kind, Path path, String dataset, String text) {
        static Target parse(String text, String role) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (String ext : new String[] {".h5:", ".hdf5:", ".hdf:"}) {
                int i = lower.lastIndexOf(ext);
                if (i > 0) {
                    String name = text.substring(i + ext.length());
                    if (name.isEmpty()) {
                        break;
                    }
                    return new Target(Kind.HDF5, Path.of(text.substring(0, i + ext.length() - 1)), name, text);
                }
            }
            String trimmed = text.endsWith("/") && text.length() > 1 ? text.substring(0, text.length() - 1) : text;
            String t = trimmed.toLowerCase(Locale.ROOT);
            if (t.endsWith(".zarr") || t.matches(".*\\.zarr/[0-9]+")) { // FILE.zarr/N: series N of bioformats2raw
                return new Target(Kind.ZARR, Path.of(trimmed), null, text);
            }
            if (t.endsWith(".mrc") || t.endsWith(".rec") || t.endsWith(".map") || t.endsWith(".mrcs")) {
                return new Target(Kind.MRC, Path.of(text), null, text);
            }
            if (t.endsWith(".h5") || t.endsWith(".hdf5") || t.endsWith(".hdf")) {
                throw new CryosiamUserException(text + " (" + role + "): name the HDF5 dataset too, as FILE.h5:NAME "
                        + "(e.g. " + text + ":labels).");
            }
            throw new CryosiamUserException(text + " (" + role + "): not a volume this command converts; give "
                    + "FILE.mrc (.rec, .map), DIR.zarr or FILE.h5:NAME.");
        }
    }

    @Override
    protected Map<String, Path> outputFolders() {
        Path target = Target.parse(out, "OUT").path().toAbsolutePath();
        return Map.of("OUT", target.getParent());
    }

    @Override
    protected void run() {
        Target src = Target.parse(in, "IN");
        Target dst = Target.parse(out, "OUT");
        Integer levels = levelsText == null ? null : Flags.integer("--levels", levelsText);
        Integer level = levelText == null ? null : Flags.integer("--level", levelText);
        Double voxel = Flags.number("--voxel-size", voxelText);
        if (levels != null && (levels < 1 || levels > 12)) {
            throw new CryosiamUserException("--levels " + levels + ": give 1 to 12 levels.");
        }
        if (level != null && level < 0) {
            throw new CryosiamUserException("--level " + level + ": levels count from 0 (full resolution).");
        }
        if (voxel != null && !(voxel > 0 && Double.isFinite(voxel))) {
            throw new CryosiamUserException("--voxel-size " + voxelText + ": give a positive size in Å.");
        }
        if (!List.of("auto", "mean", "mode").contains(downsample)) {
            throw new CryosiamUserException("--downsample " + downsample + ": give auto, mean or mode.");
        }
        boolean sameHdf5File = src.kind() == Kind.HDF5 && dst.kind() == Kind.HDF5
                && !src.dataset().equals(dst.dataset()) && sameFile(src.path(), dst.path());
        if (!sameHdf5File) { // another dataset of the same file is safe: the file is rewritten from memory
            OutputGuard.refuse(List.of(src.path()), List.of(dst.path()));
        }

        Geometry geometry = Geometry.of(new float[] {1f, 1f, 1f});
        NdData data;
        switch (src.kind()) {
            case MRC -> {
                MrcReader.MrcData d = MrcReader.readData(src.path());
                data = d.data();
                geometry = d.header().geometry();
            }
            case ZARR -> {
                OmeZarr.Image img = OmeZarr.open(src.path(), level == null ? 0 : level);
                // its declared size, not backed by chunk files, is checked before the volume is allocated; the
                // values are read whole, then converted or downsampled (about three copies)
                org.cryosiam.io.Tomograms.requireWhole(src.path(), img.shape(), 3 * Math.max(4, img.type().bytes()),
                        ctx.maxMemory(), "the values and their converted copies");
                data = img.readAll();
                geometry = img.geometry();
            }
            default -> {
                data = squeeze(Hdf5.read(src.path(), src.dataset()), src.text());
                float[] vs = Hdf5.voxelSize(src.path());
                if (vs != null) {
                    geometry = Geometry.of(vs);
                } else if (voxel == null) {
                    log.warn(in + ": the file has no voxel_size attribute; writing 1 Å (give --voxel-size).");
                }
            }
        }
        if (voxel != null) {
            float v = voxel.floatValue();
            geometry = new Geometry(new float[] {v, v, v}, geometry.origin(), geometry.start());
        }
        float[] voxelSize = geometry.voxelSize();
        if (dst.kind() == Kind.ZARR && !OmeZarr.knownVoxelSize(voxelSize)) {
            log.warn(in + ": the voxel size is " + voxelSize[0] + ", " + voxelSize[1] + ", " + voxelSize[2]
                    + " Å (x, y, z), which is not set; " + out + " is written with 1 per voxel and no unit (give "
                    + "--voxel-size A to set it).");
        }
        switch (dst.kind()) {
            case MRC -> MrcWriter.write(dst.path(), forMrc(data, out), geometry, commandName());
            case ZARR -> {
                boolean mode = switch (downsample) {
                    case "mean" -> false;
                    case "mode" -> true;
                    default -> Downsample.modeByDefault(data.type());
                };
                OmeZarr.write(dst.path(), data, geometry, levels == null ? 0 : levels, mode,
                        stem(dst.path().getFileName().toString()), org.cryosiam.io.OutputSink.NONE);
            }
            default -> writeHdf5(dst, data, geometry);
        }
        log.info("wrote " + out + " (" + data.type().numpyName() + " " + java.util.Arrays.toString(
                data.shape()) + String.format(java.util.Locale.ROOT, ", voxel size %.4g Å)", voxelSize[0]));
    }

    /** Leading axes of size 1 dropped ({@code (1, Z, Y, X)} predictions); a volume must then be 3-D. */
    static NdData squeeze(NdData d, String what) {
        int[] s = d.shape();
        int first = 0;
        while (s.length - first > 3 && s[first] == 1) {
            first++;
        }
        if (s.length - first != 3) {
            throw new CryosiamUserException(what + ": the dataset has shape " + java.util.Arrays.toString(s)
                    + "; a volume is (z, y, x).");
        }
        for (int n : s) {
            if (n == 0) {
                throw new CryosiamUserException(what + ": the dataset has shape " + java.util.Arrays.toString(s)
                        + ", a zero-length axis, so no voxels to convert.");
            }
        }
        return new NdData(d.type(), java.util.Arrays.copyOfRange(s, first, s.length), d.data());
    }

    /** The array in a type MRC has a mode for (see the command's description). */
    static NdData forMrc(NdData d, String what) {
        switch (d.type()) {
            case FLOAT64:
                return NdData.float32(d.toFloatArray(), d.shape());
            case UINT32:
            case INT32:
            case INT64: {
                double[] mm = d.minMax();
                long[] v = d.toLongArray();
                short[] s = new short[v.length];
                for (int i = 0; i < v.length; i++) {
                    s[i] = (short) v[i];
                }
                if (mm[0] >= 0 && mm[1] <= 65535) {
                    return NdData.uint16(s, d.shape());
                }
                if (mm[0] >= -32768 && mm[1] <= 32767) {
                    return NdData.int16(s, d.shape());
                }
                throw new CryosiamUserException(what + ": the values span " + (long) mm[0] + " to " + (long) mm[1]
                        + ", more than an MRC file holds (16-bit integers); write .zarr or FILE.h5:NAME instead.");
            }
            default:
                return d;
        }
    }

    /** Writes the dataset into the HDF5 file, keeping the file's other datasets. */
    private static void writeHdf5(Target dst, NdData data, Geometry geometry) {
        Map<String, NdData> all = new LinkedHashMap<>();
        if (Files.isRegularFile(dst.path())) {
            all.putAll(Hdf5.readAll(dst.path()));
        }
        all.put(dst.dataset(), data);
        Hdf5.write(dst.path(), all, Hdf5.Options.of(geometry));
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) ? Files.isSameFile(a, b)
                    : a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
