package org.cryosiam.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Reads the arrays written by {@code src/test/resources/ops/generate_expected.py}: "name v v v ..." per line. */
final class Expected {
    private final Map<String, String[]> arrays = new HashMap<>();

    Expected(String resource) {
        try (InputStream in = Expected.class.getResourceAsStream("/ops/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource ops/" + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String[] parts = line.trim().split(" ");
                String[] vals = new String[parts.length - 1];
                System.arraycopy(parts, 1, vals, 0, vals.length);
                arrays.put(parts[0], vals);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String[] raw(String name) {
        String[] v = arrays.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no array " + name);
        }
        return v;
    }

    int[] ints(String name) {
        String[] s = raw(name);
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i].equals("True") ? 1 : s[i].equals("False") ? 0 : Integer.parseInt(s[i]);
        }
        return out;
    }

    byte[] bytes(String name) {
        int[] v = ints(name);
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    float[] floats(String name) {
        String[] s = raw(name);
        float[] out = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = Float.parseFloat(s[i]);
        }
        return out;
    }

    double[] doubles(String name) {
        String[] s = raw(name);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = Double.parseDouble(s[i]);
        }
        return out;
    }
}
