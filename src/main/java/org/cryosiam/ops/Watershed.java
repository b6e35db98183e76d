package org.cryosiam.ops;

/**
 * Marker-based watershed with scikit-image 0.19 {@code segmentation.watershed(image, markers, mask=mask)}
 * semantics ({@code connectivity=1}, no compactness, no watershed line):
 * <ul>
 *   <li>markers outside the mask are dropped ({@code markers * mask}); voxels outside the mask stay 0;</li>
 *   <li>all markers are pushed first, in raster order, with age 0; every later push gets the next age;</li>
 *   <li>the queue pops the smallest (value, age); a popped voxel pushes its unlabelled in-mask face neighbours in
 *       skimage's neighbour order (-z, -y, -x, +x, +y, +z), labelling each at push time with its own label;</li>
 *   <li>the queue is the same binary heap as skimage's {@code heap_general.pxi} (same sift-up / sift-down and
 *       strict comparisons), so even ties between equal (value, age) items — markers on a plateau — are broken
 *       the same way.</li>
 * </ul>
 * Image values are compared as float64 (skimage casts the image to float64; float32 input converts exactly).
 * Ages are int32 as in skimage's heap item.
 */
public final class Watershed {
    private Watershed() {
    }

    /**
     * @param image   values, flooded from low to high
     * @param markers seed labels (0 = none); not modified
     * @param mask    where flooding may go (non-zero); null = everywhere
     * @return labels
     */
    public static int[] watershed(float[] image, int[] markers, byte[] mask, int nz, int ny, int nx) {
        int n = Slabs.size(image.length, nz, ny, nx);
        Slabs.size(markers.length, nz, ny, nx);
        if (mask != null) {
            Slabs.size(mask.length, nz, ny, nx);
        }
        int[] out = new int[n];
        Heap heap = new Heap();
        for (int i = 0; i < n; i++) {
            if (markers[i] != 0 && (mask == null || mask[i] != 0)) {
                out[i] = markers[i];
            }
        }
        for (int i = 0; i < n; i++) {
            if (out[i] != 0) {
                heap.push(image[i], 0, i);
            }
        }
        int plane = ny * nx;
        int age = 1;
        int[] nbOff = {-plane, -nx, -1, 1, nx, plane};
        while (heap.items > 0) {
            int index = heap.pop();
            int z = index / plane, y = (index / nx) % ny, x = index % nx;
            int label = out[index];
            for (int k = 0; k < 6; k++) {
                boolean inside;
                switch (k) {
                    case 0: inside = z > 0; break;
                    case 1: inside = y > 0; break;
                    case 2: inside = x > 0; break;
                    case 3: inside = x < nx - 1; break;
                    case 4: inside = y < ny - 1; break;
                    default: inside = z < nz - 1; break;
                }
                if (!inside) {
                    continue;
                }
                int j = index + nbOff[k];
                if ((mask != null && mask[j] == 0) || out[j] != 0) {
                    continue;
                }
                age++;
                out[j] = label;
                heap.push(image[j], age, j);
            }
        }
        return out;
    }

    /** skimage's binary heap of (value, age, index), with its exact swap sequence. */
    private static final class Heap {
        double[] value = new double[1000];
        int[] age = new int[1000];
        int[] index = new int[1000];
        int items;

        private boolean smaller(int a, int b) {
            if (value[a] != value[b]) {
                return value[a] < value[b];
            }
            return age[a] < age[b];
        }

        private void swap(int a, int b) {
            double v = value[a];
            value[a] = value[b];
            value[b] = v;
            int t = age[a];
            age[a] = age[b];
            age[b] = t;
            t = index[a];
            index[a] = index[b];
            index[b] = t;
        }

        void push(double v, int a, int i) {
            if (items == value.length) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 8, 2L * items);
                value = java.util.Arrays.copyOf(value, cap);
                age = java.util.Arrays.copyOf(age, cap);
                index = java.util.Arrays.copyOf(index, cap);
            }
            int child = items;
            value[child] = v;
            age[child] = a;
            index[child] = i;
            items++;
            while (child > 0) {
                int parent = (child + 1) / 2 - 1;
                if (smaller(child, parent)) {
                    swap(parent, child);
                    child = parent;
                } else {
                    break;
                }
            }
        }

        int pop() {
            int result = index[0];
            items--;
            if (items == 0) {
                return result;
            }
            swap(0, items);
            int i = 0;
            int smallest = 0;
            while (true) {
                int l = i * 2 + 1, r = i * 2 + 2;
                if (l < items) {
                    if (smaller(l, i)) {
                        smallest = l;
                    }
                    if (r < items && smaller(r, smallest)) {
                        smallest = r;
                    }
                } else {
                    break;
                }
                if (smallest == i) {
                    break;
                }
                swap(i, smallest);
                i = smallest;
            }
            return result;
        }
    }
}
