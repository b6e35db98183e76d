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

    /** Image values as float64, whatever the array type. */
    @FunctionalInterface
    private interface Values {
        double at(int i);
    }

    /**
     * @param image   values, flooded from low to high
     * @param markers seed labels (0 = none); not modified
     * @param mask    where flooding may go (non-zero); null = everywhere
     * @return labels
     */
    public static int[] watershed(float[] image, int[] markers, byte[] mask, int nz, int ny, int nx) {
        Slabs.size(image.length, nz, ny, nx);
        return sequential(i -> image[i], markers, mask, nz, ny, nx);
    }

    /** {@link #watershed(float[], int[], byte[], int, int, int)} on a float64 image. */
    public static int[] watershed(double[] image, int[] markers, byte[] mask, int nz, int ny, int nx) {
        Slabs.size(image.length, nz, ny, nx);
        return sequential(i -> image[i], markers, mask, nz, ny, nx);
    }

    private static int[] sequential(Values image, int[] markers, byte[] mask, int nz, int ny, int nx) {
        int n = Slabs.size(markers.length, nz, ny, nx);
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
                heap.push(image.at(i), 0, i);
            }
        }
        flood(image, mask, out, heap, nz, ny, nx);
        return out;
    }

    /**
     * Pops the heap until it is empty, labelling unlabelled in-mask face neighbours at push time; ages continue
     * from 1.
     */
    private static void flood(Values image, byte[] mask, int[] out, Heap heap, int nz, int ny, int nx) {
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
                heap.push(image.at(j), age, j);
            }
        }
    }

    /**
     * The same watershed, computed on all cores: flooding never crosses from one 6-connected component of the
     * mask to another, so each component is flooded on its own.
     * <ul>
     *   <li>a component without markers stays 0; one whose markers all carry one label takes that label entirely
     *       (the flood reaches every voxel of it, in any order) — no queue needed;</li>
     *   <li>a component with several labels is flooded with its own heap, its markers pushed in raster order.</li>
     * </ul>
     * Apart from the ages, which only keep their relative order, a component's heap sees exactly the items the
     * global heap holds for it, so the result equals {@link #watershed} — except where two markers of one
     * component have the same value: skimage orders such ties by the layout of its single global heap, which a
     * per-component heap cannot reproduce. (Ties between the age-0 markers are the only ties: every later item has
     * its own age.) Such ties need equal float values on voxels of one component and are rare with smoothed maps.
     *
     * @param mask where flooding may go (non-zero); required (without one, the volume is one component)
     */
    public static int[] watershedParallel(double[] image, int[] markers, byte[] mask, int nz, int ny, int nx) {
        Slabs.size(image.length, nz, ny, nx);
        int[] labels = markers.clone();
        parallelInPlace(i -> image[i], labels, mask, nz, ny, nx);
        return labels;
    }

    /**
     * {@link #watershedParallel} on a float32 image, writing the result over the markers: a large volume holds
     * the image, the mask and one label array, plus the mask's components while the seeds are sorted.
     *
     * @param labels the markers on entry, the labels on return
     */
    public static void watershedInPlace(float[] image, int[] labels, byte[] mask, int nz, int ny, int nx) {
        Slabs.size(image.length, nz, ny, nx);
        parallelInPlace(i -> image[i], labels, mask, nz, ny, nx);
    }

    /** {@link #watershedInPlace(float[], int[], byte[], int, int, int)} on a float64 image. */
    public static void watershedInPlace(double[] image, int[] labels, byte[] mask, int nz, int ny, int nx) {
        Slabs.size(image.length, nz, ny, nx);
        parallelInPlace(i -> image[i], labels, mask, nz, ny, nx);
    }

    private static void parallelInPlace(Values image, int[] labels, byte[] mask, int nz, int ny, int nx) {
        int n = Slabs.size(labels.length, nz, ny, nx);
        if (mask == null) {
            System.arraycopy(sequential(image, labels, null, nz, ny, nx), 0, labels, 0, n);
            return;
        }
        Slabs.size(mask.length, nz, ny, nx);
        int[][] groups = seedGroups(labels, mask, nz, ny, nx);
        int[] start = groups[0];
        int[] seedIndex = groups[1];
        int[] order = groups[2];
        java.util.Arrays.stream(order).parallel().forEach(c -> {
            Heap heap = new Heap();
            for (int s = start[c]; s < start[c + 1]; s++) {
                heap.push(image.at(seedIndex[s]), 0, seedIndex[s]);
            }
            flood(image, mask, labels, heap, nz, ny, nx);
        });
    }

    /**
     * Labels every mask component that needs no flooding (markers of one label, or none) and returns the seeds of
     * the others: {@code {start, seedIndex, order}}, the seeds of component {@code c} being
     * {@code seedIndex[start[c] .. start[c + 1])} in raster order, {@code order} those components, biggest first.
     * The components' labelling is dropped on return, before the flooding.
     */
    private static int[][] seedGroups(int[] labels, byte[] mask, int nz, int ny, int nx) {
        int n = labels.length;
        int[] comp = ConnectedComponents.label(mask, nz, ny, nx, 6);
        int nComp = ConnectedComponents.count(comp);
        // per component: the single label of its markers, MULTI when several, 0 when none
        final int multi = -1;
        int[] fill = new int[nComp + 1];
        int[] seeds = new int[nComp + 1];
        for (int i = 0; i < n; i++) {
            int c = comp[i];
            int m = labels[i];
            if (c == 0 || m == 0) {
                continue;
            }
            seeds[c]++;
            int f = fill[c];
            if (f == 0) {
                fill[c] = m;
            } else if (f != m) {
                fill[c] = multi;
            }
        }
        // seeds of the multi-label components, grouped by component, each group in raster order
        int[] start = new int[nComp + 2];
        int nMulti = 0;
        for (int c = 1; c <= nComp; c++) {
            start[c + 1] = start[c] + (fill[c] == multi ? seeds[c] : 0);
            if (fill[c] == multi) {
                nMulti++;
            }
        }
        int[] seedIndex = new int[start[nComp + 1]];
        int[] next = java.util.Arrays.copyOf(start, nComp + 2);
        for (int i = 0; i < n; i++) {
            int c = comp[i];
            if (c != 0 && labels[i] != 0 && fill[c] == multi) {
                seedIndex[next[c]++] = i;
            }
        }
        // markers outside the mask are dropped; a single-label component takes its label everywhere
        Slabs.forChunks(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int c = comp[i];
                if (c == 0) {
                    labels[i] = 0;
                } else if (fill[c] != multi) {
                    labels[i] = fill[c];
                }
            }
        });
        Integer[] order = new Integer[nMulti];
        int k = 0;
        for (int c = 1; c <= nComp; c++) {
            if (fill[c] == multi) {
                order[k++] = c;
            }
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(seeds[b], seeds[a])); // big first: better balance
        return new int[][] {start, seedIndex, java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray()};
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
