package org.cryosiam.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.cryosiam.ops.DistanceTransform;
import org.cryosiam.volume.Volume;

/**
 * The file-level steps of the training workflow that do not involve the network: signed distance maps, patch
 * positions, and reading patches back as {@link Sample}s.
 *
 * <p>Patch folders ({@code patches_folder}): {@code image/<stem>_z<z>_y<y>_x<x>.mrc},
 * {@code labels/<same>.mrc} (float32 as the reference writes them) and {@code distances/<same>.h5} (dataset
 * {@code data}, {@code C × D × H × W} float32; the reference stores {@code .npz} here; patch folders are not exchanged
 * between the tools). Per-tomogram distance maps: {@code temp_dir/distances/<stem>.h5}, same layout.
 */
public final class TrainingData {
    private TrainingData() {
    }

    /**
     * {@code edt.sdf(mask, black_border=True)}: for every voxel the distance to the nearest voxel of the other kind,
     * positive inside the mask and negative outside; beyond the volume's edge counts as the other kind for both
     * transforms (the {@code edt} package's {@code black_border}).
     */
    public static float[] signedDistance(byte[] mask, int nz, int ny, int nx) {
        int pz = nz + 2, py = ny + 2, px = nx + 2;
        byte[] in = new byte[pz * py * px];
        byte[] out = new byte[pz * py * px];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int p = ((z + 1) * py + y + 1) * px + x + 1;
                    boolean on = mask[(z * ny + y) * nx + x] != 0;
                    in[p] = (byte) (on ? 1 : 0);
                    out[p] = (byte) (on ? 0 : 1);
                }
            }
        }
        float[] din = DistanceTransform.edt(in, pz, py, px);
        float[] dout = DistanceTransform.edt(out, pz, py, px);
        float[] sdf = new float[nz * ny * nx];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int p = ((z + 1) * py + y + 1) * px + x + 1;
                    sdf[(z * ny + y) * nx + x] = din[p] - dout[p];
                }
            }
        }
        return sdf;
    }

    /**
     * The reference's {@code generate_distance_map}: one class → the map of {@code labels > 0}; several → one map per
     * class {@code i < classes} of {@code labels == i} (class 0, the background, included).
     */
    public static float[] distanceMaps(int[] labels, int nz, int ny, int nx, int classes) {
        int n = nz * ny * nx;
        float[] out = new float[classes * n];
        byte[] mask = new byte[n];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < n; i++) {
                mask[i] = (byte) ((classes == 1 ? labels[i] > 0 : labels[i] == c) ? 1 : 0);
            }
            System.arraycopy(signedDistance(mask, nz, ny, nx), 0, out, c * n, n);
        }
        return out;
    }

    /**
     * MONAI {@code iter_patch_position(size, patch, (0, 0, 0), overlap, padded=False)}: starts
     * {@code 0, step, 2·step, … < size − patch + 1} per axis with {@code step = round(patch·(1 − overlap))}; an axis
     * shorter than the patch gives no patch. Ordered z, then y, then x.
     */
    public static List<int[]> patchStarts(int[] size, int[] patch, double overlap) {
        List<int[]> out = new ArrayList<>();
        int[] steps = new int[3];
        for (int a = 0; a < 3; a++) {
            steps[a] = Math.max(1, (int) Math.rint(patch[a] * (1.0 - overlap)));
        }
        for (int z = 0; z < size[0] - patch[0] + 1; z += steps[0]) {
            for (int y = 0; y < size[1] - patch[1] + 1; y += steps[1]) {
                for (int x = 0; x < size[2] - patch[2] + 1; x += steps[2]) {
                    out.add(new int[] {z, y, x});
                }
            }
        }
        return out;
    }

    /** Copies the {@code channels × patch} block at {@code start} out of a {@code channels × size} array. */
    public static float[] crop(float[] a, int channels, int[] size, int[] start, int[] patch) {
        float[] out = new float[channels * patch[0] * patch[1] * patch[2]];
        int n = size[0] * size[1] * size[2];
        int k = 0;
        for (int c = 0; c < channels; c++) {
            for (int z = 0; z < patch[0]; z++) {
                for (int y = 0; y < patch[1]; y++) {
                    int src = c * n + ((start[0] + z) * size[1] + start[1] + y) * size[2] + start[2];
                    System.arraycopy(a, src, out, k, patch[2]);
                    k += patch[2];
                }
            }
        }
        return out;
    }

    /** The patch names ({@code <stem>_z..._y..._x...}) of one tomogram in {@code patches_folder/image}. */
    public static List<String> patchNames(Path patchesFolder, String stem, String extension) {
        Path dir = patchesFolder.resolve("image");
        if (!Files.isDirectory(dir)) {
            throw new CryosiamUserException(dir + ": no patch folder; run semantic_train_create_patches first");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(stem + "_z") && f.endsWith(extension))
                    .map(f -> f.substring(0, f.length() - extension.length()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new CryosiamUserException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads one patch: the image scaled from {@code [min, max]} to [0, 1] and clipped (MONAI
     * {@code ScaleIntensityRanged(clip=True)}), integer labels, distances clipped to ±5 and scaled to ±1.
     */
    public static Sample readPatch(Path patchesFolder, String name, String extension, double min, double max,
            int classes) {
        Volume img = MrcReader.read(patchesFolder.resolve("image").resolve(name + extension));
        Volume lab = MrcReader.read(patchesFolder.resolve("labels").resolve(name + extension));
        Path dfile = patchesFolder.resolve("distances").resolve(name + ".h5");
        NdData d = Hdf5.read(dfile, "data");
        int n = img.data().length;
        if (lab.data().length != n || d.size() != classes * n) {
            throw new CryosiamUserException(name + ": image, labels and distances (" + classes + " channels) of this "
                    + "patch differ in size; re-run semantic_train_preprocess and semantic_train_create_patches "
                    + "with the current out_channels");
        }
        float[] x = img.data().clone();
        double range = max - min;
        for (int i = 0; i < n; i++) {
            double v = (x[i] - min) / range;
            x[i] = (float) (v < 0 ? 0 : v > 1 ? 1 : v);
        }
        int[] labels = new int[n];
        float[] l = lab.data();
        for (int i = 0; i < n; i++) {
            labels[i] = Math.round(l[i]);
        }
        float[] dist = d.toFloatArray();
        for (int i = 0; i < dist.length; i++) {
            float v = Math.max(-5f, Math.min(5f, dist[i]));
            dist[i] = v / 5f;
        }
        return new Sample(name, x, labels, dist, classes, img.nz(), img.ny(), img.nx());
    }
}
