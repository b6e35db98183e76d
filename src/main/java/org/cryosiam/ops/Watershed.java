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
        parallelInPlace(i -> image[i], labels, mask == null ? null : mask.clone(), nz, ny, nx);
        return labels;
    }

    /**
     * {@link #watershedParallel} on a float32 image, writing the result over the markers: a large volume holds
     * the image, the mask and one label array, plus the mask's components while the seeds are sorted.
     *
     * @param labels the markers on entry, the labels on return
     * @param mask   where flooding may go (non-zero); its non-zero values become 1
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
        java.util.Arrays.stream(order).parallel().forEach(g -> {
            Heap heap = new Heap();
            for (int s = start[g]; s < start[g + 1]; s++) {
                heap.push(image.at(seedIndex[s]), 0, seedIndex[s]);
            }
            flood(image, mask, labels, heap, nz, ny, nx);
        });
    }

    /**
     * Labels every mask component that needs no flooding (markers of one label, or none) and returns the seeds of
     * the others: {@code {start, seedIndex, order}}, the seeds of component {@code c} being
     * {@code seedIndex[start[c] .. start[c + 1])} in raster order, {@code order} the components, biggest first.
     * Components are found by walking the mask from each unvisited voxel in raster order (a breadth-first walk,
     * marking visited voxels in the mask and restoring them at the end), so no label volume of the components is
     * needed beside the markers.
     */
    private static int[][] seedGroups(int[] labels, byte[] mask, int nz, int ny, int nx) {
        int n = labels.length;
        for (int i = 0; i < n; i++) {
            if (mask[i] != 0) {
                mask[i] = 1;
            }
        }
        Walk walk = new Walk(mask, nz, ny, nx);
        int[] seeds = new int[64];
        int[] start = new int[16];
        int groups = 0;
        int seedCount = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i] != 1) {
                if (mask[i] == 0) {
                    labels[i] = 0; // markers outside the mask are dropped
                }
                continue;
            }
            // first walk: the component's seeds and whether they carry one label or several
            int first = seedCount;
            int single = 0;
            boolean multi = false;
            walk.begin(i, VISITED);
            for (int v = walk.next(); v >= 0; v = walk.next()) {
                int m = labels[v];
                if (m != 0) {
                    if (seedCount == seeds.length) {
                        seeds = java.util.Arrays.copyOf(seeds, grow(seeds.length));
                    }
                    seeds[seedCount++] = v;
                    if (single == 0) {
                        single = m;
                    } else if (m != single) {
                        multi = true;
                    }
                }
            }
            if (multi) { // keep its seeds, in raster order, for the flooding
                java.util.Arrays.sort(seeds, first, seedCount);
                if (groups + 2 > start.length) {
                    start = java.util.Arrays.copyOf(start, grow(start.length));
                }
                start[groups] = first;
                start[++groups] = seedCount;
            } else {
                seedCount = first;
                if (single != 0) { // the flood would give every voxel of it this label: fill it
                    walk.begin(i, FILLED);
                    for (int v = walk.next(); v >= 0; v = walk.next()) {
                        labels[v] = single;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (mask[i] != 0) {
                mask[i] = 1;
            }
        }
        int[] starts = java.util.Arrays.copyOf(start, groups + 1);
        Integer[] order = new Integer[groups];
        for (int g = 0; g < groups; g++) {
            order[g] = g;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(starts[b + 1] - starts[b],
                starts[a + 1] - starts[a])); // big first: better balance
        return new int[][] {starts, java.util.Arrays.copyOf(seeds, seedCount),
                java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray()};
    }

    /** Mask values while {@link #seedGroups} walks: seen once, seen twice (filled); 1 = in the mask, unseen. */
    private static final byte VISITED = 2;
    private static final byte FILLED = 3;

    private static int grow(int length) {
        return (int) Math.min(Integer.MAX_VALUE - 8, 2L * length);
    }

    /**
     * A breadth-first walk over a 6-connected mask component, marking each voxel it reaches with the walk's mark
     * (a second walk over the same component uses a higher mark). The queue holds the walk's front only.
     */
    private static final class Walk {
        private final byte[] mask;
        private final int nz, ny, nx, plane;
        private int[] queue = new int[1024];
        private int head, tail, size;
        private byte from, to;

        Walk(byte[] mask, int nz, int ny, int nx) {
            this.mask = mask;
            this.nz = nz;
            this.ny = ny;
            this.nx = nx;
            this.plane = ny * nx;
        }

        void begin(int seed, byte mark) {
            head = tail = size = 0;
            from = (byte) (mark - 1);
            to = mark;
            mask[seed] = to;
            push(seed);
        }

        /** The next voxel of the component, or -1 when the walk is over. */
        int next() {
            if (size == 0) {
                return -1;
            }
            int v = queue[head];
            head = (head + 1) % queue.length;
            size--;
            int z = v / plane, y = (v / nx) % ny, x = v % nx;
            if (z > 0) visit(v - plane);
            if (y > 0) visit(v - nx);
            if (x > 0) visit(v - 1);
            if (x < nx - 1) visit(v + 1);
            if (y < ny - 1) visit(v + nx);
            if (z < nz - 1) visit(v + plane);
            return v;
        }

        private void visit(int j) {
            if (mask[j] == from) {
                mask[j] = to;
                push(j);
            }
        }

        private void push(int v) {
            if (size == queue.length) {
                int[] bigger = new int[grow(queue.length)];
                for (int k = 0; k < size; k++) {
                    bigger[k] = queue[(head + k) % queue.length];
                }
                queue = bigger;
                head = 0;
                tail = size;
            }
            queue[tail] = v;
            tail = (tail + 1) % queue.length;
            size++;
        }
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
