package org.cryosiam.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inert stand-in for a Python object whose class the reader does not interpret (an optimizer, a scheduler, a
 * bound method, a path, a Lightning type…). It records what the pickle said — the class, the constructor arguments,
 * the state, and items added as if it were a dict or list — and never runs anything.
 */
public final class PyObject {
    private final String module;
    private final String name;
    private final List<Object> args;
    private Object state;
    private final Map<Object, Object> dictItems = new LinkedHashMap<>();
    private final List<Object> listItems = new ArrayList<>();

    PyObject(String module, String name, List<Object> args) {
        this.module = module;
        this.name = name;
        this.args = args;
    }

    public String module() {
        return module;
    }

    public String name() {
        return name;
    }

    /** Arguments of the call or {@code __new__} that created it. */
    public List<Object> args() {
        return args;
    }

    /** What {@code BUILD} set ({@code __setstate__} argument), or null. */
    public Object state() {
        return state;
    }

    void setState(Object state) {
        this.state = state;
    }

    /** Items set on it as on a dict (dict subclasses such as Lightning's AttributeDict). */
    public Map<Object, Object> dictItems() {
        return dictItems;
    }

    /** Items appended to it as to a list. */
    public List<Object> listItems() {
        return listItems;
    }

    @Override
    public String toString() {
        return "<" + module + "." + name + ">";
    }
}
