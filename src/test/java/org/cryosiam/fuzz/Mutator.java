package org.cryosiam.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of an input: byte-level (flips, interesting integers of 1, 2, 4 and 8 bytes in either byte
 * order, inserted, deleted, duplicated or spliced ranges, truncation) for binary formats, and line- and token-level
 * ones for text formats. A few mutations are stacked per input.
 */
final class Mutator {
    private static final long[] INTERESTING = {0, 1, -1, 2, 7, 8, 16, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
        0x10000, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFFFFFFL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
        1L << 62, 1024, 4096, 1 << 20, 1 << 30};
    private static final String[] TOKENS = {"", " ", "0", "-1", "1e309", "-1e309", "nan", "inf", "NaN", "2147483648",
        "9223372036854775808", "99999999999999999999999999999999", "1.5", "0x10", "\"", "'", "#", "_", "data_",
        "loop_", "null", "~", "true", "[", "]", "{", "}", ":", ",", "- ", "&a", "*a", "!!python/object", "\t",
        "\uFEFF", "é", "\u0000", "a,b", "\"a\"\"b\""};

    private final Random r;

    Mutator(Random r) {
        this.r = r;
    }

    /** A seeded choice among {@code n}. */
    int pick(int n) {
        return r.nextInt(n);
    }

    /** 1 to 4 byte-level mutations of {@code in} (which is not changed); {@code others} feed splices. */
    byte[] bytes(byte[] in, List<byte[]> others) {
        byte[] b = in;
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = byteOnce(b, others);
        }
        return b;
    }

    private byte[] byteOnce(byte[] b, List<byte[]> others) {
        if (b.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        switch (r.nextInt(10)) {
            case 0: { // flip bits
                byte[] o = b.clone();
                o[r.nextInt(o.length)] ^= (byte) (1 << r.nextInt(8));
                return o;
            }
            case 1: { // random byte
                byte[] o = b.clone();
                o[r.nextInt(o.length)] = (byte) r.nextInt(256);
                return o;
            }
            case 2:
            case 3:
            case 4: { // an interesting integer over 1, 2, 4 or 8 bytes, little or big endian (header fields)
                byte[] o = b.clone();
                int w = new int[] {1, 2, 4, 8}[r.nextInt(4)];
                int at = r.nextBoolean() ? (r.nextInt(Math.max(1, o.length / w)) * w) : r.nextInt(o.length);
                long v = INTERESTING[r.nextInt(INTERESTING.length)];
                if (r.nextInt(4) == 0) {
                    v += r.nextInt(9) - 4;
                }
                boolean little = r.nextInt(4) != 0;
                for (int k = 0; k < w && at + k < o.length; k++) {
                    int shift = 8 * (little ? k : w - 1 - k);
                    o[at + k] = (byte) (v >>> shift);
                }
                return o;
            }
            case 5: { // delete a range
                int a = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(64, b.length - a));
                byte[] o = new byte[b.length - len];
                System.arraycopy(b, 0, o, 0, a);
                System.arraycopy(b, a + len, o, a, b.length - a - len);
                return o;
            }
            case 6: { // insert random bytes or duplicate a range
                int a = r.nextInt(b.length + 1);
                byte[] ins;
                if (r.nextBoolean()) {
                    ins = new byte[1 + r.nextInt(16)];
                    r.nextBytes(ins);
                } else {
                    int s = r.nextInt(b.length);
                    ins = Arrays.copyOfRange(b, s, Math.min(b.length, s + 1 + r.nextInt(64)));
                }
                return insert(b, a, ins);
            }
            case 7: { // truncate
                return Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 8: { // splice with another seed at the same offset
                byte[] other = others.get(r.nextInt(others.size()));
                int cut = r.nextInt(b.length);
                byte[] o = Arrays.copyOf(b, Math.max(b.length, Math.min(other.length, cut + 256)));
                for (int i = cut; i < o.length && i < other.length; i++) {
                    o[i] = other[i];
                }
                return o;
            }
            default: { // overwrite a run with one value
                byte[] o = b.clone();
                int a = r.nextInt(o.length);
                Arrays.fill(o, a, Math.min(o.length, a + 1 + r.nextInt(32)), (byte) (r.nextBoolean() ? 0 : 0xFF));
                return o;
            }
        }
    }

    /** 1 to 4 mutations of a text: lines dropped, duplicated, swapped or cut, tokens replaced, bytes mutated. */
    byte[] text(byte[] in, List<byte[]> others) {
        String s = new String(in, StandardCharsets.UTF_8);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(6) == 0) {
                s = new String(byteOnce(s.getBytes(StandardCharsets.UTF_8), others), StandardCharsets.UTF_8);
            } else {
                s = textOnce(s);
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String textOnce(String s) {
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        int i = r.nextInt(lines.size());
        switch (r.nextInt(8)) {
            case 0:
                lines.remove(i);
                break;
            case 1:
                lines.add(i, lines.get(i));
                break;
            case 2: {
                int j = r.nextInt(lines.size());
                String t = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, t);
                break;
            }
            case 3: { // cut a line short
                String l = lines.get(i);
                lines.set(i, l.substring(0, r.nextInt(l.length() + 1)));
                break;
            }
            case 4:
            case 5:
            case 6: { // replace a token (a run of non-space characters, or a separator-delimited field)
                String l = lines.get(i);
                String[] parts = l.split("(?<=[\\s,:\\[\\]])|(?=[\\s,:\\[\\]])", -1);
                int k = r.nextInt(parts.length);
                parts[k] = TOKENS[r.nextInt(TOKENS.length)];
                lines.set(i, String.join("", parts));
                break;
            }
            default: { // a huge or deep value
                String big = r.nextBoolean() ? "9".repeat(1 + r.nextInt(5000)) : "[".repeat(1 + r.nextInt(3000));
                lines.add(i, r.nextBoolean() ? "k: " + big : big);
                break;
            }
        }
        return String.join("\n", lines);
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(b.length + ins.length);
        o.write(b, 0, at);
        o.writeBytes(ins);
        o.write(b, at, b.length - at);
        return o.toByteArray();
    }
}
