package org.cryosiam.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import org.cryosiam.CryosiamUserException;

/**
 * HDF5 files of named n-D datasets in the root group ({@code *_preds.h5}, embeddings, clusters). Reading goes through
 * jhdf (files from h5py and ours); writing through {@link Hdf5Writer} (see there why not jhdf), always via
 * {@link AtomicFile}.
 */
public final class Hdf5 {
    private static volatile Supplier<Map<String, String>> rootAttributes;

    private Hdf5() {
    }

    /**
     * String attributes every file written from now on gets in its root group (null: none); the run record sets the
     * product version and model name this way.
     */
    public static void rootAttributes(Supplier<Map<String, String>> attributes) {
        rootAttributes = attributes;
    }

    /** Names of the datasets in the root group, sorted (as h5py lists them). */
    public static List<String> datasetNames(Path file) {
        try (HdfFile h = open(file)) {
            return datasetNamesOf(h);
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    public static boolean hasDataset(Path file, String name) {
        return datasetNames(file).contains(name);
    }

    /** Reads one dataset; a missing dataset is a user error naming the file and the dataset. */
    public static NdData read(Path file, String name) {
        try (HdfFile h = open(file)) {
            return readDataset(file, h, name);
        } catch (CryosiamUserException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /** Reads every dataset of the root group, by sorted name. */
    public static Map<String, NdData> readAll(Path file) {
        Map<String, NdData> out = new LinkedHashMap<>();
        try (HdfFile h = open(file)) {
            for (String name : datasetNamesOf(h)) {
                out.put(name, readDataset(file, h, name));
            }
            return out;
        } catch (CryosiamUserException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /** Writes one dataset to a new file (replacing any). */
    public static void write(Path file, String name, NdData data) {
        write(file, Map.of(name, data));
    }

    /** Writes the datasets, in map order, to a new file (replacing any); contiguous, uncompressed, little-endian. */
    public static void write(Path file, Map<String, NdData> datasets) {
        Supplier<Map<String, String>> a = rootAttributes;
        Map<String, String> attributes = a == null ? Map.of() : a.get();
        AtomicFile.write(file, tmp -> Hdf5Writer.write(tmp, datasets, attributes));
    }

    private static HdfFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CryosiamUserException(file + ": file not found.");
        }
        try {
            return new HdfFile(file);
        } catch (RuntimeException e) {
            throw new CryosiamUserException(file + ": not a readable HDF5 file (" + e.getMessage() + ").", e);
        }
    }

    private static List<String> datasetNamesOf(HdfFile h) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Node> e : h.getChildren().entrySet()) {
            if (e.getValue() instanceof Dataset) {
                names.add(e.getKey());
            }
        }
        Collections.sort(names);
        return names;
    }

    private static NdData readDataset(Path file, HdfFile h, String name) {
        Node node = h.getChildren().get(name);
        if (!(node instanceof Dataset)) {
            throw new CryosiamUserException(file + ": no dataset '" + name + "' (found: "
                    + String.join(", ", datasetNamesOf(h)) + ").");
        }
        Dataset ds = (Dataset) node;
        ElementType type = elementType(file, name, ds.getDataType());
        int[] shape = ds.isScalar() ? new int[0] : ds.getDimensions();
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n == 0) {
            return new NdData(type, shape, type.newArray(0));
        }
        Object flat = ds.isScalar() ? wrapScalar(ds.getData()) : ds.getDataFlat();
        return new NdData(type, shape, convert(flat, type));
    }

    /** Our element type for an HDF5 type, or a user error for a type no file of ours holds. */
    private static ElementType elementType(Path file, String name, DataType t) {
        if (t instanceof FloatingPoint) {
            switch (t.getSize()) {
                case 4:
                    return ElementType.FLOAT32;
                case 8:
                    return ElementType.FLOAT64;
                default:
                    break;
            }
        } else if (t instanceof FixedPoint) {
            boolean signed = ((FixedPoint) t).isSigned();
            switch (t.getSize()) {
                case 1:
                    return signed ? ElementType.INT8 : ElementType.UINT8;
                case 2:
                    return signed ? ElementType.INT16 : ElementType.UINT16;
                case 4:
                    return signed ? ElementType.INT32 : ElementType.UINT32;
                case 8:
                    if (signed) {
                        return ElementType.INT64;
                    }
                    break;
                default:
                    break;
            }
        }
        throw new CryosiamUserException(file + ": dataset '" + name + "' has an unsupported element type ("
                + t.getClass().getSimpleName() + ", " + t.getSize() + " bytes).");
    }

    private static Object wrapScalar(Object v) {
        if (v.getClass().isArray()) {
            return v;
        }
        if (v instanceof Byte) {
            return new byte[] {(Byte) v};
        } else if (v instanceof Short) {
            return new short[] {(Short) v};
        } else if (v instanceof Integer) {
            return new int[] {(Integer) v};
        } else if (v instanceof Long) {
            return new long[] {(Long) v};
        } else if (v instanceof Float) {
            return new float[] {(Float) v};
        } else if (v instanceof Double) {
            return new double[] {(Double) v};
        }
        throw new IllegalStateException("unexpected scalar " + v.getClass());
    }

    /**
     * jhdf widens unsigned types to the next Java type (uint8 to short or int, uint32 to long); narrow them back to
     * the array class our {@link ElementType} uses, keeping the bits.
     */
    private static Object convert(Object flat, ElementType type) {
        if (flat.getClass() == type.arrayClass()) {
            return flat;
        }
        int n = java.lang.reflect.Array.getLength(flat);
        Object out = type.newArray(n);
        if (flat instanceof short[] && out instanceof byte[]) {
            short[] a = (short[]) flat;
            byte[] o = (byte[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (byte) a[i];
            }
        } else if (flat instanceof int[] && out instanceof byte[]) {
            int[] a = (int[]) flat;
            byte[] o = (byte[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (byte) a[i];
            }
        } else if (flat instanceof int[] && out instanceof short[]) {
            int[] a = (int[]) flat;
            short[] o = (short[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (short) a[i];
            }
        } else if (flat instanceof long[] && out instanceof int[]) {
            long[] a = (long[]) flat;
            int[] o = (int[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (int) a[i];
            }
        } else {
            throw new IllegalStateException("jhdf returned " + flat.getClass().getSimpleName() + " for "
                    + type.numpyName());
        }
        return out;
    }

    private static CryosiamUserException unreadable(Path file, RuntimeException e) {
        if (e instanceof CryosiamUserException) {
            return (CryosiamUserException) e;
        }
        return new CryosiamUserException(file + ": not a readable HDF5 file (" + e.getMessage() + ").", e);
    }
}
