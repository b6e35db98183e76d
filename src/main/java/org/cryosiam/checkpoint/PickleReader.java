package org.cryosiam.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Python pickle interpreter for protocols 0–5 that never executes code: it builds plain Java values (Map, List,
 * {@link PyTuple}, String, Long, BigInteger, Double, Boolean, byte[], Set, null), interprets only a fixed list of
 * harmless constructors (OrderedDict, defaultdict, set, bytes via {@code _codecs.encode}, numpy scalars) plus what
 * the {@link Hooks} accept (torch tensors), and turns every other class into an inert {@link PyObject}. Opcode
 * semantics follow CPython's {@code pickletools} table. Every length is checked against the remaining input before
 * anything is allocated.
 */
final class PickleReader {
    /** Interpretation of torch-specific parts, supplied by the checkpoint loader. */
    interface Hooks {
        /** The object of a persistent id (torch: a storage reference). */
        Object persistentLoad(Object pid) throws PickleException;

        /** The result of calling {@code module.name(args)}, or null to leave it inert. */
        Object call(String module, String name, List<Object> args) throws PickleException;
    }

    /** A class or function named by GLOBAL/STACK_GLOBAL, not resolved to anything. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** numpy dtype, as far as scalars need it: the type string and the byte order that BUILD sets. */
    static final class NumpyDtype {
        final String code;
        char byteOrder = '<';

        NumpyDtype(String code) {
            this.code = code;
        }
    }

    private static final Object MARK = new Object();
    private static final int MAX_MEMO = 50_000_000;
    /** Highest protocol Python writes today (5); a higher one is a damaged or future file. */
    private static final int MAX_PROTOCOL = 5;
    /** Longest decimal integer read from text (Python's own default limit): parsing is quadratic in its length. */
    private static final int MAX_DIGITS = 4300;

    private final ByteBuffer in;
    private final Hooks hooks;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private PickleReader(byte[] data, Hooks hooks) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.hooks = hooks;
    }

    /**
     * Runs the pickle. Any value of an unexpected type (a string where a class name or a number belongs, None where
     * a list belongs…) is a {@link PickleException} naming the opcode's position, never a Java exception's text.
     */
    static Object read(byte[] data, Hooks hooks) throws PickleException {
        PickleReader r = new PickleReader(data, hooks);
        try {
            return r.run();
        } catch (java.nio.BufferUnderflowException e) {
            throw new PickleException("the pickle ends early");
        } catch (ClassCastException | IndexOutOfBoundsException | NullPointerException | ArithmeticException
                 | IllegalArgumentException e) {
            throw new PickleException("malformed pickle (a value of the wrong kind at byte " + r.opPosition + ")");
        } catch (StackOverflowError e) {
            throw new PickleException("malformed pickle (values nested too deeply or containing themselves)");
        }
    }

    /** Position of the opcode being run, for messages. */
    private int opPosition;

    private Object run() throws PickleException {
        while (true) {
            if (!in.hasRemaining()) {
                throw new PickleException("the pickle ends early (no STOP opcode)");
            }
            int pos = in.position();
            opPosition = pos;
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80: { // PROTO
                    int proto = in.get() & 0xff;
                    if (proto > MAX_PROTOCOL) {
                        throw new PickleException("pickle protocol " + proto + " is not supported (0 to "
                                + MAX_PROTOCOL + ")");
                    }
                    break;
                }
                case 0x95: length(in.getLong()); break; // FRAME: only a hint for buffered readers, but never past the end
                case '.': // STOP
                    if (stack.size() != 1) {
                        throw new PickleException("malformed pickle (stack holds " + stack.size() + " items at STOP)");
                    }
                    return stack.get(0);
                case '(': marks.add(stack.size()); break;
                case '0': pop(); break;
                case '1': popMark(); break;
                case '2': push(peek()); break;
                case 'N': push(null); break;
                case 0x88: push(Boolean.TRUE); break;
                case 0x89: push(Boolean.FALSE); break;
                case 'J': push((long) in.getInt()); break;
                case 'K': push((long) (in.get() & 0xff)); break;
                case 'M': push((long) (in.getShort() & 0xffff)); break;
                case 'I': pushTextInt(readLine()); break;
                case 'L': push(toNumber(textInteger(stripL(readLine())))); break;
                case 0x8a: push(readLong(in.get() & 0xff)); break;
                case 0x8b: push(readLong(length(in.getInt()))); break;
                case 'F': push(textFloat(readLine())); break;
                case 'G': push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); break; // big-endian
                case 'X': push(utf8(length(in.getInt()))); break;
                case 0x8c: push(utf8(in.get() & 0xff)); break;
                case 0x8d: push(utf8(length(in.getLong()))); break;
                case 'V': push(readLine()); break; // raw-unicode-escape text; checkpoints do not use it
                case 'S': push(unquote(readLine())); break;
                case 'T': push(latin1(length(in.getInt()))); break;
                case 'U': push(latin1(in.get() & 0xff)); break;
                case 'B': push(bytes(length(in.getInt()))); break;
                case 'C': push(bytes(in.get() & 0xff)); break;
                case 0x8e: case 0x96: push(bytes(length(in.getLong()))); break;
                case ']': push(new ArrayList<>()); break;
                case 'l': push(new ArrayList<>(popMark())); break;
                case 'a': { Object v = pop(); append(peek(), Arrays.asList(v)); break; } // (List.of refuses None)
                case 'e': { List<Object> items = popMark(); append(peek(), items); break; }
                case ')': push(new PyTuple()); break;
                case 't': push(PyTuple.of(popMark())); break;
                case 0x85: push(new PyTuple(pop())); break;
                case 0x86: { Object b = pop(); Object a = pop(); push(new PyTuple(a, b)); break; }
                case 0x87: { Object c = pop(); Object b = pop(); Object a = pop(); push(new PyTuple(a, b, c)); break; }
                case '}': push(new LinkedHashMap<>()); break;
                case 'd': { Map<Object, Object> m = new LinkedHashMap<>(); setItems(m, popMark()); push(m); break; }
                case 's': { Object v = pop(); Object k = pop(); setItems(peek(), Arrays.asList(k, v)); break; }
                case 'u': { List<Object> kv = popMark(); setItems(peek(), kv); break; }
                case 0x8f: push(new LinkedHashSet<>()); break;
                case 0x90: { List<Object> items = popMark(); addItems(peek(), items); break; }
                case 0x91: { Set<Object> set = new LinkedHashSet<>(); addItems(set, popMark()); push(set); break; }
                case 'c': { String module = readLine(); String name = readLine(); push(new Global(module, name)); break; }
                case 0x93: { String name = text(pop()); String module = text(pop()); push(new Global(module, name)); break; }
                case 'R': { Object args = pop(); Object fn = pop(); push(call(fn, asList(args))); break; }
                case 0x81: { Object args = pop(); Object cls = pop(); push(newObject(cls, asList(args))); break; }
                case 0x92: { pop(); Object args = pop(); Object cls = pop(); push(newObject(cls, asList(args))); break; }
                case 'o': { List<Object> items = popMark(); push(newObject(items.get(0), items.subList(1, items.size()))); break; }
                case 'i': { Global g = new Global(readLine(), readLine()); push(newObject(g, popMark())); break; }
                case 'b': { Object state = pop(); build(peek(), state); break; }
                case 'p': memoPut(memoKey(readLine())); break;
                case 'q': memoPut(in.get() & 0xff); break;
                case 'r': memoPut(in.getInt() & 0xffffffffL); break;
                case 0x94: memoPut(memo.size()); break;
                case 'g': push(memoGet(memoKey(readLine()))); break;
                case 'h': push(memoGet(in.get() & 0xff)); break;
                case 'j': push(memoGet(in.getInt() & 0xffffffffL)); break;
                case 'P': push(hooks.persistentLoad(readLine())); break;
                case 'Q': push(hooks.persistentLoad(pop())); break;
                default:
                    throw new PickleException(String.format("unsupported pickle opcode 0x%02x at byte %d", op, pos));
            }
        }
    }

    // ---- stack -------------------------------------------------------------------------------------------------

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws PickleException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw new PickleException("malformed pickle (pop from an empty stack)");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws PickleException {
        if (stack.isEmpty()) {
            throw new PickleException("malformed pickle (empty stack)");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws PickleException {
        if (marks.isEmpty()) {
            throw new PickleException("malformed pickle (no MARK)");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void memoPut(long key) throws PickleException {
        if (memo.size() >= MAX_MEMO) {
            throw new PickleException("malformed pickle (memo too large)");
        }
        memo.put(key, peek());
    }

    private Object memoGet(long key) throws PickleException {
        if (!memo.containsKey(key)) {
            throw new PickleException("malformed pickle (memo key " + key + " not set)");
        }
        return memo.get(key);
    }

    // ---- reading primitives --------------------------------------------------------------------------------------

    private int length(long n) throws PickleException {
        if (n < 0 || n > in.remaining()) {
            throw new PickleException("the pickle ends early (a value of " + n + " bytes, " + in.remaining() + " left)");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws PickleException {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    private String utf8(int n) throws PickleException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) throws PickleException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private String readLine() throws PickleException {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        throw new PickleException("the pickle ends early (unterminated line)");
    }

    private static String stripL(String s) {
        return s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
    }

    private void pushTextInt(String s) throws PickleException {
        if (s.equals("00")) {
            push(Boolean.FALSE);
        } else if (s.equals("01")) {
            push(Boolean.TRUE);
        } else {
            push(toNumber(textInteger(s)));
        }
    }

    /** A decimal integer of INT/LONG (protocol 0), or an error quoting the text. */
    private static BigInteger textInteger(String s) throws PickleException {
        String t = s.strip();
        if (t.length() > MAX_DIGITS || !t.matches("[+-]?[0-9]+")) {
            throw new PickleException("malformed pickle (" + quote(s) + " is not an integer)");
        }
        return new BigInteger(t);
    }

    private static double textFloat(String s) throws PickleException {
        String t = s.strip();
        // Python's repr of a float: digits, sign, point, exponent, or inf/nan; no Java-only forms (0x1p3, 1f)
        if (t.length() > 400 || !t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|nan)")) {
            throw new PickleException("malformed pickle (" + quote(s) + " is not a number)");
        }
        return t.endsWith("inf") ? (t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                : t.endsWith("nan") ? Double.NaN : Double.parseDouble(t);
    }

    private static long memoKey(String s) throws PickleException {
        BigInteger k = textInteger(s);
        if (k.signum() < 0 || k.bitLength() > 62) {
            throw new PickleException("malformed pickle (memo key " + quote(s) + ")");
        }
        return k.longValue();
    }

    private static String text(Object o) throws PickleException {
        if (!(o instanceof String)) {
            throw new PickleException("malformed pickle (a class name is a " + typeName(o) + ", not a string)");
        }
        return (String) o;
    }

    /** A short quotation of untrusted text for a message. */
    private static String quote(String s) {
        String t = s.length() > 20 ? s.substring(0, 20) + "…" : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"')) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** LONG1/LONG4: little-endian two's complement of n bytes. */
    private Object readLong(int n) throws PickleException {
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        return toNumber(new BigInteger(be));
    }

    private static Object toNumber(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static List<Object> asList(Object args) throws PickleException {
        if (args instanceof List) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) args;
            return l;
        }
        throw new PickleException("malformed pickle (call arguments are not a tuple)");
    }

    // ---- containers ----------------------------------------------------------------------------------------------

    private static void append(Object target, List<Object> items) throws PickleException {
        if (target instanceof List && !(target instanceof PyTuple)) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) target;
            l.addAll(items);
        } else if (target instanceof PyObject) {
            ((PyObject) target).listItems().addAll(items);
        } else {
            throw new PickleException("malformed pickle (APPEND to a " + typeName(target) + ")");
        }
    }

    private static void setItems(Object target, List<Object> kv) throws PickleException {
        if (kv.size() % 2 != 0) {
            throw new PickleException("malformed pickle (odd number of dict items)");
        }
        Map<Object, Object> m;
        if (target instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> mm = (Map<Object, Object>) target;
            m = mm;
        } else if (target instanceof PyObject) {
            m = ((PyObject) target).dictItems();
        } else {
            throw new PickleException("malformed pickle (SETITEM on a " + typeName(target) + ")");
        }
        for (int i = 0; i < kv.size(); i += 2) {
            m.put(hashable(kv.get(i)), kv.get(i + 1));
        }
    }

    private static void addItems(Object target, List<Object> items) throws PickleException {
        if (!(target instanceof Set)) {
            throw new PickleException("malformed pickle (ADDITEMS to a " + typeName(target) + ")");
        }
        @SuppressWarnings("unchecked")
        Set<Object> s = (Set<Object>) target;
        for (Object o : items) {
            s.add(hashable(o));
        }
    }

    /**
     * byte[] keys would compare by identity; use their content as a string instead. Lists, dicts and sets cannot be
     * keys in Python (a damaged pickle could make Java hash a huge or self-containing one).
     */
    private static Object hashable(Object key) throws PickleException {
        if ((key instanceof List && !(key instanceof PyTuple)) || key instanceof Map || key instanceof Set) {
            throw new PickleException("malformed pickle (a " + typeName(key) + " used as a dict key or set item)");
        }
        return key instanceof byte[] ? new String((byte[]) key, StandardCharsets.ISO_8859_1) : key;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    // ---- calls: only known-harmless constructors are interpreted -------------------------------------------------

    private Object call(Object fn, List<Object> args) throws PickleException {
        if (!(fn instanceof Global)) {
            // e.g. calling the result of getattr(obj, name): record, never run
            return new PyObject("<call>", String.valueOf(fn), args);
        }
        Global g = (Global) fn;
        String key = g.module() + " " + g.name();
        switch (key) {
            case "collections OrderedDict":
            case "builtins dict":
            case "__builtin__ dict": {
                Map<Object, Object> m = new LinkedHashMap<>();
                if (!args.isEmpty() && args.get(0) instanceof List) {
                    for (Object pair : (List<?>) args.get(0)) {
                        List<?> p = (List<?>) pair;
                        m.put(hashable(p.get(0)), p.get(1));
                    }
                } else if (!args.isEmpty() && args.get(0) instanceof Map) {
                    m.putAll((Map<?, ?>) args.get(0));
                }
                return m;
            }
            case "collections defaultdict":
                return new LinkedHashMap<>();
            case "builtins set":
            case "__builtin__ set":
            case "builtins frozenset":
            case "__builtin__ frozenset":
                if (args.isEmpty()) {
                    return new LinkedHashSet<>();
                }
                Set<Object> set = new LinkedHashSet<>();
                addItems(set, asList(args.get(0)));
                return set;
            case "builtins list":
            case "__builtin__ list":
                return args.isEmpty() ? new ArrayList<>() : new ArrayList<>((List<?>) args.get(0));
            case "builtins tuple":
            case "__builtin__ tuple":
                return args.isEmpty() ? new PyTuple() : PyTuple.of(new ArrayList<>((List<?>) args.get(0)));
            case "_codecs encode": // how protocol 2 stores bytes: encode(text, 'latin1')
                return ((String) args.get(0)).getBytes(StandardCharsets.ISO_8859_1);
            case "builtins bytearray":
            case "builtins bytes":
            case "__builtin__ bytearray":
                return args.isEmpty() ? new byte[0] : args.get(0) instanceof byte[] ? args.get(0)
                        : ((String) args.get(0)).getBytes(StandardCharsets.ISO_8859_1);
            case "numpy dtype":
                return new NumpyDtype((String) args.get(0));
            case "numpy.core.multiarray scalar":
            case "numpy._core.multiarray scalar":
                return numpyScalar(args);
            default:
                Object v = hooks.call(g.module(), g.name(), args);
                return v != null ? v : new PyObject(g.module(), g.name(), args);
        }
    }

    private static Object newObject(Object cls, List<Object> args) {
        if (cls instanceof Global) {
            Global g = (Global) cls;
            return new PyObject(g.module(), g.name(), new ArrayList<>(args));
        }
        return new PyObject("<new>", String.valueOf(cls), new ArrayList<>(args));
    }

    private static void build(Object target, Object state) {
        if (target instanceof NumpyDtype && state instanceof List && ((List<?>) state).size() > 1
                && ((List<?>) state).get(1) instanceof String) {
            String order = (String) ((List<?>) state).get(1);
            ((NumpyDtype) target).byteOrder = order.isEmpty() ? '<' : order.charAt(0);
        } else if (target instanceof PyObject) {
            ((PyObject) target).setState(state);
        } else if (target instanceof Map && state instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> m = (Map<Object, Object>) target;
            m.putAll((Map<?, ?>) state);
        }
        // BUILD on anything else (a tensor's metadata, say) carries nothing we use
    }

    /** numpy.core.multiarray.scalar(dtype, raw bytes) → a Java number. */
    private static Object numpyScalar(List<Object> args) throws PickleException {
        if (args.size() < 2 || !(args.get(0) instanceof NumpyDtype) || !(args.get(1) instanceof byte[])) {
            return new PyObject("numpy", "scalar", args);
        }
        NumpyDtype dt = (NumpyDtype) args.get(0);
        byte[] raw = (byte[]) args.get(1);
        ByteBuffer b = ByteBuffer.wrap(raw).order(dt.byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        String c = dt.code.replaceAll("^[<>=|]", "");
        int need;
        switch (c) {
            case "f8": case "i8": case "u8": need = 8; break;
            case "f4": case "i4": case "u4": need = 4; break;
            case "f2": case "i2": case "u2": need = 2; break;
            case "i1": case "u1": case "b1": need = 1; break;
            default: return new PyObject("numpy", "scalar", args);
        }
        if (raw.length != need) {
            throw new PickleException("malformed numpy scalar (" + raw.length + " bytes for dtype " + c + ")");
        }
        switch (c) {
            case "f8": return b.getDouble();
            case "f4": return (double) b.getFloat();
            case "f2": return (double) org.cryosiam.io.Float16.toFloat(b.getShort());
            case "i8": return b.getLong();
            case "u8": return toNumber(new BigInteger(1, reverseIfLittle(raw, b.order())));
            case "i4": return (long) b.getInt();
            case "u4": return b.getInt() & 0xffffffffL;
            case "i2": return (long) b.getShort();
            case "u2": return (long) (b.getShort() & 0xffff);
            case "i1": return (long) b.get();
            case "u1": return (long) (b.get() & 0xff);
            default: return b.get() != 0;
        }
    }

    private static byte[] reverseIfLittle(byte[] raw, ByteOrder order) {
        if (order == ByteOrder.BIG_ENDIAN) {
            return raw;
        }
        byte[] r = Arrays.copyOf(raw, raw.length);
        for (int i = 0; i < r.length / 2; i++) {
            byte t = r[i];
            r[i] = r[r.length - 1 - i];
            r[r.length - 1 - i] = t;
        }
        return r;
    }
}
