package org.cryosiam.io.zarr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.volume.Volume;

/**
 * OME-Zarr images (OME-NGFF): v0.4 on Zarr v2 ({@code .zattrs} {@code multiscales}) and v0.5 on Zarr v3
 * ({@code zarr.json} {@code attributes.ome.multiscales}), read at the full-resolution level (the first dataset) by
 * default; a bare Zarr array of rank 3 is read too (voxel size 1 Å). The voxel size comes from the level's
 * {@code scale} transformation (times the multiscale's own, if any) in the axes' units, converted to Å.
 * Axes other than z, y, x (time, channel) must have size 1.
 *
 * <p>We write v0.4 on Zarr v2, which most readers take today: axes z, y, x in {@code angstrom}, {@code scale} = the
 * voxel size, 64³ chunks, and a pyramid of levels halving until the smallest side is below 64 (each with the
 * {@code translation} that puts its voxel centres at the centre of the block they average).
 */
public final class OmeZarr {
    /** Chunk side we write: 1 MiB of float32, small enough for slab reads, large enough for few files. */
    public static final int CHUNK = 64;
    /** A level is halved again while its smallest side is at least this. */
    public static final int MIN_SIDE = 64;
    private static final int MAX_LEVELS = 12;

    private OmeZarr() {
    }

    /** Whether {@code p} is to be read as Zarr: a name ending in {@code .zarr}, or a folder holding Zarr metadata. */
    public static boolean isZarr(Path p) {
        Path name = p.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".zarr")) {
            return true;
        }
        return Files.isDirectory(p) && (Files.isRegularFile(p.resolve(".zgroup"))
                || Files.isRegularFile(p.resolve(".zarray")) || Files.isRegularFile(p.resolve("zarr.json")));
    }

    /** One level of an image, with its z, y, x axes located among the array's axes. */
    public static final class Image {
        private final ZarrArray array;
        private final int[] spatial; // array axis of z, y, x
        private final float[] voxelSize; // x, y, z in Å
        private final float[] translation; // x, y, z in Å: where the centre of voxel (0, 0, 0) lies
        private final String version;
        private final int levels;
        private final List<String> axes;

        private Image(ZarrArray array, int[] spatial, float[] voxelSize, float[] translation, String version,
                      int levels, List<String> axes) {
            this.axes = List.copyOf(axes);
            this.array = array;
            this.spatial = spatial;
            this.voxelSize = voxelSize;
            this.translation = translation;
            this.version = version;
            this.levels = levels;
        }

        /** The array's axes in its order, each as the metadata gives it: {@code "x (space, angstrom)"}. */
        public List<String> axes() {
            return axes;
        }

        /** How many levels the image has (1 for a bare array). */
        public int levels() {
            return levels;
        }

        /** {@code (nz, ny, nx)}. */
        public int[] shape() {
            int[] s = array.shape();
            return new int[] {s[spatial[0]], s[spatial[1]], s[spatial[2]]};
        }

        /** Å per voxel, {x, y, z} as MRC headers give it. */
        public float[] voxelSize() {
            return voxelSize.clone();
        }

        /** Where the centre of voxel (0, 0, 0) lies, Å {x, y, z}: the level's translation (0 without one). */
        public float[] translation() {
            return translation.clone();
        }

        /**
         * Voxel size and position as an MRC header gives them: the translation becomes the origin (start 0), so an
         * MRC written from this image lies where the image lies.
         */
        public Geometry geometry() {
            return new Geometry(voxelSize, translation, new int[3]);
        }

        public ElementType type() {
            return array.type();
        }

        /** The OME-NGFF version of the metadata ("0.4", "0.5"), or null for a bare array. */
        public String version() {
            return version;
        }

        public ZarrArray array() {
            return array;
        }

        /** The depth along z of the array's chunks: the planes one read of whole chunks gives. */
        public int zChunkDepth() {
            return Math.max(1, array.chunks()[spatial[0]]);
        }

        /** The box {@code [offset, offset + size)} in {@code (z, y, x)}, e.g. one slab of z. */
        public NdData read(int[] offset, int[] size) {
            int rank = array.rank();
            int[] o = new int[rank];
            int[] s = new int[rank];
            Arrays.fill(s, 1);
            for (int a = 0; a < 3; a++) {
                o[spatial[a]] = offset[a];
                s[spatial[a]] = size[a];
            }
            NdData d = array.read(o, s);
            // the other axes have size 1, so the box is 3-D with the spatial axes in the array's order
            int[] inArrayOrder = spatial.clone();
            Arrays.sort(inArrayOrder);
            int[] from = new int[3];
            int[] boxShape = new int[3];
            for (int a = 0; a < 3; a++) {
                from[a] = Arrays.binarySearch(inArrayOrder, spatial[a]);
                boxShape[from[a]] = size[a];
            }
            NdData box = new NdData(d.type(), boxShape, d.data());
            return from[0] == 0 && from[1] == 1 ? box : box.transpose3(from); // x, y, z (CryoET Data Portal) too
        }

        public NdData readAll() {
            return read(new int[3], shape());
        }
    }

    /**
     * The full-resolution level plane by plane as float32; the chunks of one z-chunk row are decoded once and kept
     * while planes of that row are read.
     */
    public static org.cryosiam.io.PlaneReader planes(Path root) {
        Image image = open(root);
        int[] shape = image.shape();
        int depth = image.zChunkDepth();
        return new org.cryosiam.io.PlaneReader() {
            private int rowStart = -1;
            private float[] row;

            @Override
            public int[] shape() {
                return shape.clone();
            }

            @Override
            public void read(int z, float[] dst) {
                if (z < 0 || z >= shape[0]) {
                    throw new IndexOutOfBoundsException("plane " + z + " of " + shape[0]);
                }
                int start = z / depth * depth;
                if (start != rowStart) {
                    int n = Math.min(depth, shape[0] - start);
                    row = image.read(new int[] {start, 0, 0}, new int[] {n, shape[1], shape[2]}).toFloatArray();
                    rowStart = start;
                }
                int plane = shape[1] * shape[2];
                System.arraycopy(row, (z - start) * plane, dst, 0, plane);
            }

            @Override
            public void close() {
                row = null;
            }
        };
    }

    /**
     * Bytes that {@link #planes} of {@code root} holds besides the plane it returns: one row of chunks along z as
     * float32, the row as decoded when that is another array (not float32, or axes to reorder), and one chunk file
     * with its decoded bytes. A chunk as deep as the volume makes that row the whole volume.
     */
    public static long planeReaderBytes(Path root) {
        Image image = open(root);
        int[] shape = image.shape();
        int[] chunks = image.array().chunks();
        long depth = Math.min(shape[0], image.zChunkDepth());
        long row = depth * shape[1] * shape[2];
        boolean ordered = image.spatial[0] < image.spatial[1] && image.spatial[1] < image.spatial[2];
        int item = image.type().bytes();
        long chunk = item;
        for (int c : chunks) {
            chunk *= c;
        }
        long decoded = image.type() == ElementType.FLOAT32 && ordered ? 0 : row * item * (ordered ? 1 : 2);
        return row * Float.BYTES + decoded + 2 * chunk;
    }

    /** The full-resolution level of the image at {@code root}. */
    public static Image open(Path root) {
        return open(root, 0);
    }

    /** Level {@code level} (0 = full resolution) of the image at {@code root}. */
    public static Image open(Path root, int level) {
        if (!Files.isDirectory(root)) {
            throw new CryosiamUserException(root + ": no such OME-Zarr folder.");
        }
        if (ZarrArray.isArray(root)) {
            ZarrArray a = ZarrArray.open(root);
            if (a.rank() != 3) {
                throw new CryosiamUserException(root + ": a Zarr array of rank " + a.rank() + " "
                        + Arrays.toString(a.shape()) + " without OME metadata; a tomogram needs (z, y, x).");
            }
            return new Image(a, new int[] {0, 1, 2}, new float[] {1f, 1f, 1f}, new float[3], null, 1,
                    List.of("z (no metadata)", "y (no metadata)", "x (no metadata)"));
        }
        Path attrsFile;
        Map<String, Object> attrs;
        String version;
        if (Files.isRegularFile(root.resolve(".zattrs"))) {
            attrsFile = root.resolve(".zattrs");
            attrs = ZarrArray.jsonObject(attrsFile);
            version = null;
        } else if (Files.isRegularFile(root.resolve("zarr.json"))) {
            attrsFile = root.resolve("zarr.json");
            Map<String, Object> group = ZarrArray.jsonObject(attrsFile);
            ZarrArray.Meta meta = new ZarrArray.Meta(attrsFile, group);
            Map<String, Object> a = group.get("attributes") == null ? Map.of()
                    : meta.object(group.get("attributes"), "attributes");
            attrs = a.get("ome") == null ? a : meta.object(a.get("ome"), "attributes.ome");
            version = attrs.get("version") == null ? null : String.valueOf(attrs.get("version"));
        } else {
            throw new CryosiamUserException(root + ": not an OME-Zarr image (no .zattrs, zarr.json or .zarray).");
        }
        ZarrArray.Meta meta = new ZarrArray.Meta(attrsFile, attrs);
        if (attrs.get("multiscales") == null && attrs.get(BIOFORMATS2RAW) != null) {
            return open(root.resolve(firstSeries(root)), level);
        }
        if (!(attrs.get("multiscales") instanceof List<?> ms) || ms.isEmpty()) {
            throw meta.bad("no 'multiscales' metadata, so this is not an OME-Zarr image");
        }
        Map<String, Object> m = meta.object(ms.get(0), "multiscales[0]");
        if (version == null && m.get("version") != null) {
            version = String.valueOf(m.get("version"));
        }
        if (version != null && !VERSIONS.contains(version)) {
            throw meta.bad("OME-NGFF version " + version + " is not one we read (" + String.join(", ", VERSIONS)
                    + ")");
        }
        if (!(m.get("datasets") instanceof List<?> datasets) || datasets.isEmpty()) {
            throw meta.bad("multiscales[0] has no datasets");
        }
        if (level < 0 || level >= datasets.size()) {
            throw meta.bad("the image has " + datasets.size() + " level(s), level " + level + " does not exist");
        }
        Map<String, Object> ds = meta.object(datasets.get(level), "datasets[" + level + "]");
        if (!(ds.get("path") instanceof String path) || path.isEmpty() || path.contains("..")) {
            throw meta.bad("datasets[" + level + "] has no valid path");
        }
        ZarrArray array = ZarrArray.open(root.resolve(path));
        int rank = array.rank();
        List<String> names = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<String> described = new ArrayList<>();
        if (m.get("axes") instanceof List<?> axes) {
            for (Object ax : axes) {
                if (ax instanceof Map<?, ?> am) {
                    names.add(String.valueOf(am.get("name")));
                    units.add(am.get("unit") == null ? null : String.valueOf(am.get("unit")));
                    String kind = am.get("type") == null ? "no type" : String.valueOf(am.get("type"));
                    described.add(am.get("name") + " (" + kind + (am.get("unit") == null ? ", no unit"
                            : ", " + am.get("unit")) + ")");
                } else {
                    names.add(String.valueOf(ax)); // v0.3 listed names only
                    units.add(null);
                    described.add(ax + " (name only)");
                }
            }
        } else if (rank == 3) {
            names.addAll(List.of("z", "y", "x"));
            units.addAll(Arrays.asList(null, null, null));
        } else if (rank == 5 && ("0.1".equals(version) || "0.2".equals(version))) {
            names.addAll(List.of("t", "c", "z", "y", "x")); // before 0.3 every image was 5-D in this order
            units.addAll(Arrays.asList(null, null, null, null, null));
        }
        if (described.isEmpty()) {
            for (String n : names) {
                described.add(n + " (implied by the version)");
            }
        }
        if (names.size() != rank) {
            throw meta.bad("the axes " + names + " do not match the rank " + rank + " of " + array.path());
        }
        // the axes are found by name, in any order (x, y, z is valid OME-NGFF too)
        int[] spatial = {names.indexOf("z"), names.indexOf("y"), names.indexOf("x")};
        if (spatial[0] < 0 || spatial[1] < 0 || spatial[2] < 0) {
            throw meta.bad("the axes " + names + " do not include z, y and x");
        }
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw meta.bad("the axes " + names + " name an axis twice");
        }
        int[] shape = array.shape();
        for (int a = 0; a < rank; a++) {
            if (a != spatial[0] && a != spatial[1] && a != spatial[2] && shape[a] != 1) {
                throw meta.bad("the axis '" + names.get(a) + "' has size " + shape[a] + "; a tomogram has only z, "
                        + "y, x (other axes must have size 1)");
            }
        }
        for (int k = 0; k < 3; k++) {
            if (shape[spatial[k]] == 0) {
                throw meta.bad("the axis '" + names.get(spatial[k]) + "' has length 0, so the image has no voxels");
            }
        }
        double[] scale = scale(meta, ds.get("coordinateTransformations"), rank);
        double[] outer = scale(meta, m.get("coordinateTransformations"), rank);
        double[] shift = translation(meta, ds.get("coordinateTransformations"), rank);
        double[] outerShift = translation(meta, m.get("coordinateTransformations"), rank);
        float[] voxel = new float[3];
        float[] position = new float[3];
        for (int a = 0; a < 3; a++) {
            int ax = spatial[2 - a]; // x, y, z
            double toAngstrom = angstromsPer(meta, units.get(ax));
            voxel[a] = (float) (scale[ax] * outer[ax] * toAngstrom);
            // the dataset's transformations come first, then the multiscale's: outer(scale·i + shift)
            position[a] = (float) ((outer[ax] * shift[ax] + outerShift[ax]) * toAngstrom);
            // an MRC header and every tool after us hold these in float32: a value that overflows it is no geometry
            if (!Float.isFinite(voxel[a]) || voxel[a] <= 0 || !Float.isFinite(position[a])
                    || !Float.isFinite(voxel[a] * shape[ax])) {
                throw meta.bad("the axis '" + names.get(ax) + "' has a voxel size of " + (scale[ax] * outer[ax])
                        + (units.get(ax) == null ? "" : " " + units.get(ax)) + " and a translation of "
                        + (outer[ax] * shift[ax] + outerShift[ax]) + ", which do not fit in a float32 voxel size "
                        + "and position in Å (above 0 and below 3.4e38)");
            }
        }
        return new Image(array, spatial, voxel, position, version, datasets.size(), described);
    }

    /**
     * The OME-NGFF versions we read: 0.1 and 0.2 (5-D t, c, z, y, x without axes metadata), 0.3 (axes as names),
     * 0.4 and 0.5 (axes with types and units, scale and translation). Before 0.4 there is no scale: 1 per voxel.
     */
    private static final List<String> VERSIONS = List.of("0.1", "0.2", "0.3", "0.4", "0.5");

    /** The root attribute of bioformats2raw's layout: one image per series, in sub-groups 0, 1, …. */
    private static final String BIOFORMATS2RAW = "bioformats2raw.layout";

    /**
     * The first series of a bioformats2raw store: the first entry of {@code OME/.zattrs} {@code series} when the
     * store lists them (OME-NGFF 0.4 "bioformats2raw.layout"), else {@code 0}. Another series is opened by its own
     * path, {@code FILE.zarr/N}.
     */
    private static String firstSeries(Path root) {
        Path listing = root.resolve("OME").resolve(".zattrs");
        if (Files.isRegularFile(listing)) {
            Object series = ZarrArray.jsonObject(listing).get("series");
            if (series instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s && !s.isEmpty()
                    && !s.contains("..")) {
                return s;
            }
        }
        if (!Files.isDirectory(root.resolve("0"))) {
            throw new CryosiamUserException(root + ": a bioformats2raw store without series 0 (no folder 0 and no "
                    + "series listed in OME/.zattrs).");
        }
        return "0";
    }

    /** The product of the {@code scale} transformations in a list (ones when there are none). */
    private static double[] scale(ZarrArray.Meta meta, Object transforms, int rank) {
        double[] s = new double[rank];
        Arrays.fill(s, 1.0);
        if (!(transforms instanceof List<?> list)) {
            return s;
        }
        for (Object t : list) {
            if (t instanceof Map<?, ?> tm && "scale".equals(tm.get("type"))) {
                if (!(tm.get("scale") instanceof List<?> v) || v.size() != rank) {
                    throw meta.bad("a scale transformation " + tm.get("scale") + " that does not have " + rank
                            + " values");
                }
                for (int a = 0; a < rank; a++) {
                    s[a] *= number(meta, v.get(a));
                }
            }
        }
        return s;
    }

    /** The sum of the {@code translation} transformations in a list (zeros when there are none). */
    private static double[] translation(ZarrArray.Meta meta, Object transforms, int rank) {
        double[] t = new double[rank];
        if (!(transforms instanceof List<?> list)) {
            return t;
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> tm && "translation".equals(tm.get("type"))) {
                if (!(tm.get("translation") instanceof List<?> v) || v.size() != rank) {
                    throw meta.bad("a translation transformation " + tm.get("translation") + " that does not have "
                            + rank + " values");
                }
                for (int a = 0; a < rank; a++) {
                    Object x = v.get(a);
                    if (!(x instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                        throw meta.bad("the translation value " + x + " is not a finite number");
                    }
                    t[a] += n.doubleValue();
                }
            }
        }
        return t;
    }

    private static double number(ZarrArray.Meta meta, Object v) {
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw meta.bad("the scale value " + v + " is not a positive number");
    }

    private static double angstromsPer(ZarrArray.Meta meta, String unit) {
        if (unit == null) {
            return 1; // unitless: taken as Å, what cryo-ET files mean
        }
        switch (unit) {
            case "angstrom":
                return 1;
            case "picometer":
                return 0.01;
            case "nanometer":
                return 10;
            case "micrometer":
                return 1e4;
            case "millimeter":
                return 1e7;
            default:
                throw meta.bad("the unit '" + unit + "' is not a length unit we convert to Å (angstrom, nanometer, "
                        + "micrometer, picometer, millimeter)");
        }
    }

    /** The full-resolution level as a float32 volume with its voxel size. */
    public static Volume read(Path root) {
        Image img = open(root);
        int[] s = img.shape();
        return new Volume(img.readAll().toFloatArray(), s[0], s[1], s[2], img.voxelSize());
    }

    /** Levels written for a shape when none are asked for: halving until the smallest side is below 64. */
    public static int autoLevels(int[] shape) {
        int[] s = shape.clone();
        int levels = 1;
        while (Math.min(s[0], Math.min(s[1], s[2])) >= MIN_SIDE && levels < MAX_LEVELS) {
            for (int a = 0; a < 3; a++) {
                s[a] = (s[a] + 1) / 2;
            }
            levels++;
        }
        return levels;
    }

    /**
     * Writes {@code data} {@code (z, y, x)} as an OME-Zarr v0.4 image on Zarr v2 at {@code root}, atomically (a
     * temporary folder renamed when complete).
     *
     * @param voxelSize Å per voxel {x, y, z}
     * @param levels    pyramid levels, 0 for {@link #autoLevels}
     * @param mode      downsample by mode (labels) instead of mean
     * @param name      the image's name in the metadata
     */
    public static void write(Path root, NdData data, float[] voxelSize, int levels, boolean mode, String name) {
        write(root, data, Geometry.of(voxelSize), levels, mode, name, OutputSink.NONE);
    }

    /**
     * {@link #write(Path, NdData, float[], int, boolean, String)} placed as {@code geometry} says (its
     * {@link Geometry#firstVoxelPosition()} becomes the level-0 translation), an output of the run of
     * {@code outputs}.
     */
    public static void write(Path root, NdData data, Geometry geometry, int levels, boolean mode, String name,
                             OutputSink outputs) {
        int[] shape = data.shape();
        if (shape.length != 3) {
            throw new IllegalArgumentException("OME-Zarr tomograms are (z, y, x), got " + data);
        }
        int n = levels > 0 ? levels : autoLevels(shape);
        AtomicFile.writeDirectory(root, tmp -> {
            ZarrWriter.group(tmp, Map.of("multiscales", List.of(multiscale(n, geometry, mode, name))));
            NdData level = data;
            for (int l = 0; l < n; l++) {
                if (l > 0) {
                    level = Downsample.halve(level, mode);
                }
                int[] s = level.shape();
                int[] chunks = {Math.min(CHUNK, Math.max(1, s[0])), Math.min(CHUNK, Math.max(1, s[1])),
                        Math.min(CHUNK, Math.max(1, s[2]))};
                ZarrWriter w = ZarrWriter.create(tmp.resolve(String.valueOf(l)), s, chunks, level.type(), Map.of());
                w.write(new int[3], level);
            }
        }, outputs);
    }

    /**
     * Whether a voxel size is one OME-Zarr can carry: positive and finite along every axis. Real headers often hold 0
     * (mrcfile's default, some cameras, 2-D files), which means "not known", not a size.
     */
    public static boolean knownVoxelSize(float[] voxelSize) {
        for (float v : voxelSize) {
            if (!(v > 0 && Float.isFinite(v))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code multiscales[0]} object: axes in Å, one dataset per level with its scale and translation, and the
     * downsampling in {@code type} and {@code metadata}. A voxel size that is not known ({@link #knownVoxelSize}) is
     * written as scale 1 per voxel on axes without a unit, and then without a position (an origin in Å means
     * nothing on such a grid): never a 0, negative or non-finite scale, which the OME-NGFF schema and readers refuse.
     */
    static Map<String, Object> multiscale(int levels, Geometry geometry, boolean mode, String name) {
        boolean known = knownVoxelSize(geometry.voxelSize());
        float[] voxelSize = known ? geometry.voxelSize() : new float[] {1f, 1f, 1f};
        double[] p = geometry.firstVoxelPosition();
        double[] position = {p[2], p[1], p[0]};
        boolean placed = known && (position[0] != 0 || position[1] != 0 || position[2] != 0)
                && Double.isFinite(position[0]) && Double.isFinite(position[1]) && Double.isFinite(position[2]);
        if (!placed) {
            position = new double[3];
        }
        List<Object> axes = new ArrayList<>();
        for (String a : new String[] {"z", "y", "x"}) {
            Map<String, Object> ax = new LinkedHashMap<>();
            ax.put("name", a);
            ax.put("type", "space");
            if (known) {
                ax.put("unit", "angstrom");
            }
            axes.add(ax);
        }
        double[] zyx = {voxelSize[2], voxelSize[1], voxelSize[0]};
        List<Object> datasets = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            double f = Math.pow(2, l);
            List<Object> scale = new ArrayList<>();
            List<Object> shift = new ArrayList<>();
            for (int a = 0; a < 3; a++) {
                scale.add(exact(zyx[a] * f));
                shift.add(exact(position[a] + zyx[a] * (f - 1) / 2));
            }
            List<Object> transforms = new ArrayList<>();
            transforms.add(transform("scale", scale));
            if (l > 0 || placed) {
                transforms.add(transform("translation", shift));
            }
            Map<String, Object> ds = new LinkedHashMap<>();
            ds.put("path", String.valueOf(l));
            ds.put("coordinateTransformations", transforms);
            datasets.add(ds);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", "0.4");
        m.put("name", name);
        m.put("axes", axes);
        m.put("datasets", datasets);
        m.put("type", mode ? "mode" : "mean");
        // the recommended description of how the levels were made (OME-NGFF 0.4, "multiscales" metadata)
        Map<String, Object> method = new LinkedHashMap<>();
        method.put("description", mode ? "each voxel of a level is the most frequent value of a 2x2x2 block of the "
                + "level above (ties to the smaller value; blocks cut by the border use the voxels they hold)"
                : "each voxel of a level is the mean of a 2x2x2 block of the level above (blocks cut by the border "
                + "use the voxels they hold)");
        method.put("method", Downsample.class.getName() + ".halve");
        method.put("version", org.cryosiam.ProductVersion.get());
        method.put("args", List.of());
        method.put("kwargs", Map.of("mode", mode));
        m.put("metadata", method);
        return m;
    }

    /** {@code {"type": T, T: values}}, in the order the spec's examples show. */
    private static Map<String, Object> transform(String type, List<Object> values) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", type);
        t.put(type, values);
        return t;
    }

    /** A float voxel size as the decimal a user typed (13.48, not 13.479999542236328). */
    private static double exact(double v) {
        return Double.parseDouble(Float.toString((float) v));
    }

    /** {@code root} as an output path: refuses a name that would not be read back as Zarr. */
    public static void requireZarrName(Path root) {
        if (!root.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zarr")) {
            throw new CryosiamUserException(root + ": an OME-Zarr output needs a name ending in .zarr.");
        }
    }

}
