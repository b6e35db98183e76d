package org.cryosiam.checkpoint;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/** A Python tuple: an immutable list (kept distinct from lists only so that readers can tell them apart). */
public final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(Object... items) {
        this.items = items;
    }

    static PyTuple of(List<Object> items) {
        return new PyTuple(items.toArray());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public String toString() {
        return "(" + Arrays.toString(items).replaceAll("^\\[|\\]$", "") + ")";
    }
}
