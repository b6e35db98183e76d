package org.cryosiam.io.zarr;

/** Walks the index tuples of an n-D box in C order (last axis fastest): chunks of a region, rows of a chunk. */
final class Boxes {
    private Boxes() {
    }

    /** What is done at each index tuple; the array passed is reused between calls. */
    @FunctionalInterface
    interface Visitor<E extends Exception> {
        void visit(int[] index) throws E;
    }

    /** Visits every tuple from {@code first} to {@code last}, both inclusive on every axis. */
    static <E extends Exception> void each(int[] first, int[] last, Visitor<E> visitor) throws E {
        int[] i = first.clone();
        while (true) {
            visitor.visit(i);
            int d = i.length - 1;
            while (d >= 0 && i[d] == last[d]) {
                i[d] = first[d];
                d--;
            }
            if (d < 0) {
                return;
            }
            i[d]++;
        }
    }

    /** Visits the start of every row of the half-open box {@code [lo, hi)}: all axes but the last, which stays lo. */
    static <E extends Exception> void rows(int[] lo, int[] hi, Visitor<E> visitor) throws E {
        int[] last = new int[hi.length];
        for (int d = 0; d < hi.length; d++) {
            last[d] = hi[d] - 1;
        }
        last[hi.length - 1] = lo[hi.length - 1];
        each(lo, last, visitor);
    }
}
