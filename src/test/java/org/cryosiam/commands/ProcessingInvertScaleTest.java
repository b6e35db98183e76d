package org.cryosiam.commands;

import static org.cryosiam.commands.ProcessingSupport.python;
import static org.cryosiam.commands.ProcessingSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cryosiam.inference.Preprocessing;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** processing_invert_scale against numpy (the reference's {@code scale_tomogram}) on random data. */
class ProcessingInvertScaleTest {
    @TempDir
    Path dir;

    /** Gaussian float32 noise with a quarter of the values rounded to one decimal (ties for the percentiles). */
    private static Volume random(long seed, int nz, int ny, int nx, float voxel) {
        Random rnd = new Random(seed);
        float[] d = new float[nz * ny * nx];
        for (int i = 0; i < d.length; i++) {
            float v = (float) (rnd.nextGaussian() * 3 + 1);
            d[i] = rnd.nextInt(4) == 0 ? Math.round(v * 10) / 10f : v;
        }
        return new Volume(d, nz, ny, nx, new float[] {voxel, voxel, voxel});
    }

    /** numpy's reference formula on the input, compared with our output: "dtype voxel_size differing_voxels". */
    private static final String REFERENCE = "import sys, mrcfile, numpy as np\n"
            + "def scale_tomogram(tomo, lo, hi):\n"
            + "    min_val = np.percentile(tomo, lo) if lo else tomo.min()\n"
            + "    max_val = np.percentile(tomo, hi) if hi else tomo.max()\n"
            + "    return np.clip((tomo - min_val) / (max_val - min_val), 0, 1)\n"
            + "x = mrcfile.open(sys.argv[1]).data\n"
            + "if sys.argv[3] == '1':\n"
            + "    x = x * -1\n"
            + "lo = None if sys.argv[4] == 'None' else float(sys.argv[4])\n"
            + "hi = None if sys.argv[5] == 'None' else float(sys.argv[5])\n"
            + "ref = scale_tomogram(x, lo, hi)\n"
            + "with mrcfile.open(sys.argv[2], permissive=False) as m:\n"
            + "    ours = m.data\n"
            + "    print(ours.dtype, ref.dtype, float(m.voxel_size.y), int((ours != ref).sum()), float(ours.min()), float(ours.max()))\n";

    @Test
    void folderMatchesNumpyForEveryFlagCombination() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        MrcWriter.write(in.resolve("a.mrc"), random(1, 12, 20, 25, 3.25f));
        MrcWriter.write(in.resolve("b.rec"), random(2, 7, 9, 31, 3.25f));
        Files.writeString(in.resolve("notes.txt"), "not a tomogram");
        String[][] combos = {{"0", "None", "None"}, {"1", "None", "None"}, {"1", "0.1", "99.9"},
                {"0", "5", "None"}, {"0", "None", "95"}, {"1", "2.5", "62.5"}};
        for (String[] c : combos) {
            Path out = dir.resolve("out" + String.join("_", c));
            List<String> args = new ArrayList<>(List.of("processing_invert_scale", "--input_path", in.toString(),
                    "--output_path", out.toString()));
            if (c[0].equals("1")) {
                args.add("--invert");
            }
            if (!c[1].equals("None")) {
                args.addAll(List.of("--lower_end_percentage", c[1]));
            }
            if (!c[2].equals("None")) {
                args.addAll(List.of("--upper-end-percentage", c[2]));
            }
            run(args.toArray(String[]::new)).assertOk();
            try (var s = Files.list(out)) {
                assertEquals(List.of("a.mrc", "b.rec"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            for (String name : List.of("a.mrc", "b.rec")) {
                String line = python(REFERENCE, in.resolve(name), out.resolve(name), c[0], c[1], c[2]);
                assertEquals("float32 float32 3.25 0 0.0 1.0", line, "flags " + String.join(" ", c) + " on " + name);
            }
        }
    }

    @Test
    void percentilesEqualNumpysOnRandomData() {
        Volume v = random(3, 10, 30, 33, 1f);
        Path f = dir.resolve("r.mrc");
        MrcWriter.write(f, v);
        double[] q = {0, 0.1, 1, 12.345, 25, 50, 62.5, 99.9, 100};
        StringBuilder qs = new StringBuilder();
        for (double x : q) {
            qs.append(qs.length() == 0 ? "" : ",").append(x);
        }
        String[] py = python("import sys, mrcfile, numpy as np\n"
                + "x = mrcfile.open(sys.argv[1]).data\n"
                + "print(' '.join(repr(float(np.percentile(x, float(q)))) for q in sys.argv[2].split(',')))\n",
                f, qs).split(" ");
        double[] want = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            want[i] = Double.parseDouble(py[i]);
        }
        assertArrayEquals(want, Preprocessing.percentiles(MrcReader.read(f).data(), q));
    }

    @Test
    void singleFileToAFileOrIntoAFolder() throws IOException {
        Path in = dir.resolve("t.mrc");
        MrcWriter.write(in, random(4, 5, 6, 7, 10f));
        Path out = dir.resolve("scaled.mrc");
        run("processing_invert_scale", "--input_path", in.toString(), "--output_path", out.toString(), "--invert",
                "--lower_end_percentage", "1", "--upper_end_percentage", "99").assertOk();
        assertEquals("float32 float32 10.0 0 0.0 1.0", python(REFERENCE, in, out, "1", "1", "99"));
        Path folder = Files.createDirectories(dir.resolve("folder"));
        run("processing_invert_scale", "--input-path", in.toString(), "--output-path", folder.toString()).assertOk();
        assertEquals("float32 float32 10.0 0 0.0 1.0", python(REFERENCE, in, folder.resolve("t.mrc"), "0", "None", "None"));
    }

    @Test
    void badInputsAreOneSentenceAndExitCode2() throws IOException {
        Path in = dir.resolve("t.mrc");
        MrcWriter.write(in, random(5, 4, 4, 4, 1f));
        Path out = dir.resolve("o.mrc");
        run("processing_invert_scale", "--input_path", dir.resolve("none.mrc").toString(), "--output_path",
                out.toString()).assertUserError("none.mrc");
        run("processing_invert_scale", "--input_path", in.toString(), "--output_path", out.toString(),
                "--upper_end_percentage", "150").assertUserError("between 0 and 100");
        run("processing_invert_scale", "--input_path", in.toString(), "--output_path", out.toString(),
                "--lower_end_percentage", "60", "--upper_end_percentage", "40").assertUserError("above");
        Path flat = dir.resolve("flat.mrc");
        MrcWriter.write(flat, Volume.zeros(3, 3, 3, new float[] {1, 1, 1}));
        run("processing_invert_scale", "--input_path", flat.toString(), "--output_path", out.toString())
                .assertUserError("span nothing");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        run("processing_invert_scale", "--input_path", empty.toString(), "--output_path", dir.resolve("x").toString())
                .assertUserError("no .mrc or .rec");
        assertFalse(Files.exists(out));
    }
}
