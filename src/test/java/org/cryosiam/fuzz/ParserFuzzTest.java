package org.cryosiam.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded mutation campaign of issue 20, in process: every reader of a user file (checkpoint and its pickle, MRC
 * header and data, STAR and CSV tables, YAML configs, HDF5) on mutations of small valid files. A short run is part
 * of the normal suite; {@code mvn -o test -Pfuzz} runs {@code cryosiam.fuzz.inputs} (10 000) inputs per parser.
 * {@code -Dcryosiam.fuzz.seed=N} picks another campaign. Inputs that break the property are kept under
 * {@code target/fuzz-failures/} for a regression test.
 */
class ParserFuzzTest {
    private static final int INPUTS = Integer.getInteger("cryosiam.fuzz.inputs", 600);
    private static final long SEED = Long.getLong("cryosiam.fuzz.seed", 20);
    private static final Path FAILURES = Path.of("target", "fuzz-failures");

    @TempDir
    Path dir;

    private void campaign(Campaign.Target t) throws Exception {
        campaign(t, dir);
    }

    /** Runs the campaign of {@code t} in {@code dir}; fails listing the first inputs that break the property. */
    static void campaign(Campaign.Target t, Path dir) throws Exception {
        Campaign.Result r = Campaign.run(t, INPUTS, SEED, dir, FAILURES);
        System.out.println(r);
        assertTrue(r.failures().isEmpty(), r + "\n" + String.join("\n", r.failures().subList(0,
                Math.min(5, r.failures().size()))));
    }

    // ---- checkpoints: the pickle, the storages and the archive ----------------------------------------------------

    @Test
    void checkpoints() throws Exception {
        campaign(checkpointTarget());
    }

    static Campaign.Target checkpointTarget() {
        return new Campaign.Target() {
        public String name() {
            return "checkpoint";
        }

        public String suffix() {
            return ".ckpt";
        }

        public List<byte[]> seeds(Path d) {
            Map<String, Object> sd = new LinkedHashMap<>();
            sd.put("_model.conv.weight", Tensor.ofFloats(new int[] {2, 1, 1, 1, 3}, new float[] {1, 2, 3, 4, 5, 6}));
            sd.put("_model.bn.num_batches_tracked", Tensor.ofLongs(new int[] {}, new long[] {7}));
            sd.put("_model.bn.bias", Tensor.ofFloats(new int[] {2}, new float[] {0.5f, -0.5f}));
            Map<String, Object> net = new LinkedHashMap<>();
            net.put("num_filters", List.of(8, 16));
            net.put("dense_dim", 8);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("patch_size", List.of(32, 32, 32));
            data.put("min", 0.0);
            data.put("mask", null);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("network", net);
            params.put("data", data);
            Map<String, Object> hp = new LinkedHashMap<>(Map.of("config", Map.of("parameters", params)));
            hp.put("lr", 1e-3);
            hp.put("name", "fuzz");
            Path f = d.resolve("seed.ckpt");
            CheckpointWriter.write(f, CheckpointWriter.lightning(sd, hp, 3, 42, List.of(), List.of(), Map.of()));
            try {
                return List.of(Files.readAllBytes(f), withEntry(Files.readAllBytes(f), "byteorder", "little"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) throws Exception {
            int what = m.pick(10);
            if (what == 0) {
                return m.bytes(seed, seeds); // the archive itself
            }
            // else mostly the pickle, sometimes a storage or the byteorder entry, re-zipped with valid CRCs
            Map<String, byte[]> entries = unzip(seed);
            List<String> names = new ArrayList<>(entries.keySet());
            String pkl = names.stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElse(names.get(0));
            String target = what < 8 ? pkl : names.get(m.pick(names.size()));
            if (target.endsWith("byteorder") && m.pick(2) == 0) {
                entries.put(target, (m.pick(2) == 0 ? "big" : "middle").getBytes(StandardCharsets.US_ASCII));
            } else {
                entries.put(target, m.bytes(entries.get(target), seeds));
            }
            return zip(entries);
        }

        public void parse(Path file) {
            Checkpoint c = Checkpoint.load(file);
            Campaign.user(file, c::hyperParameters);
            Campaign.user(file, () -> c.get("epoch"));
            for (Tensor t : c.stateDict().values()) {
                t.toFloatArray();
            }
        }
        };
    }

    static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                out.put(e.getName(), z.readAllBytes());
            }
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] withEntry(byte[] zip, String name, String text) throws Exception {
        Map<String, byte[]> e = unzip(zip);
        String root = e.keySet().iterator().next().split("/")[0];
        e.put(root + "/" + name, text.getBytes(StandardCharsets.US_ASCII));
        return zip(e);
    }

    // ---- MRC ------------------------------------------------------------------------------------------------------

    @Test
    void mrc() throws Exception {
        campaign(mrcTarget());
    }

    static Campaign.Target mrcTarget() {
        return new Campaign.Target() {
        public String name() {
            return "mrc";
        }

        public String suffix() {
            return ".mrc";
        }

        public List<byte[]> seeds(Path d) throws Exception {
            List<byte[]> s = new ArrayList<>();
            float[] f = new float[4 * 5 * 6];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) Math.sin(i);
            }
            s.add(write(d, "f.mrc", NdData.float32(f, 4, 5, 6)));
            s.add(write(d, "b.mrc", NdData.int8(new byte[] {1, -2, 3, -4, 5, -6, 7, -8}, 2, 2, 2)));
            s.add(write(d, "u.mrc", NdData.uint16(new short[] {1, 2, 3, (short) 60000, 5, 6}, 1, 2, 3)));
            s.add(write(d, "s.mrc", NdData.int16(new short[] {-1, 2, -3, 4}, 1, 1, 4)));
            // big-endian with an extended header, as older software writes
            ByteBuffer be = ByteBuffer.allocate(1024 + 64 + 8 * 4).order(ByteOrder.BIG_ENDIAN);
            be.putInt(0, 2).putInt(4, 2).putInt(8, 2).putInt(12, 2).putInt(28, 2).putInt(32, 2).putInt(36, 2);
            be.putFloat(40, 2).putFloat(44, 2).putFloat(48, 2).putInt(64, 1).putInt(68, 2).putInt(72, 3);
            be.putInt(92, 64).put(208, (byte) 'M').put(209, (byte) 'A').put(210, (byte) 'P').put(211, (byte) ' ');
            be.put(212, (byte) 0x11).put(213, (byte) 0x11);
            for (int i = 0; i < 8; i++) {
                be.putFloat(1024 + 64 + 4 * i, i * 0.5f);
            }
            s.add(be.array());
            return s;
        }

        private byte[] write(Path d, String name, NdData data) throws Exception {
            Path p = d.resolve(name);
            MrcWriter.write(p, data, new float[] {1.5f, 1.5f, 1.5f});
            return Files.readAllBytes(p);
        }

        public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
            if (seed.length > 1024 && m.pick(4) != 0) {
                // mostly the header: dimensions, mode, map order, nsymbt, machine stamp
                byte[] header = m.bytes(java.util.Arrays.copyOf(seed, 1024), seeds);
                byte[] out = java.util.Arrays.copyOf(header, header.length + seed.length - 1024);
                System.arraycopy(seed, 1024, out, header.length, seed.length - 1024);
                return out;
            }
            return m.bytes(seed, seeds);
        }

        public void parse(Path file) {
            MrcReader.readData(file).data().minMax();
        }
        };
    }

    // ---- HDF5 -----------------------------------------------------------------------------------------------------

    @Test
    void hdf5() throws Exception {
        campaign(hdf5Target());
    }

    static Campaign.Target hdf5Target() {
        return new Campaign.Target() {
        public String name() {
            return "hdf5";
        }

        public String suffix() {
            return ".h5";
        }

        public List<byte[]> seeds(Path d) throws Exception {
            List<byte[]> s = new ArrayList<>();
            Path ours = d.resolve("ours.h5");
            Map<String, NdData> ds = new LinkedHashMap<>();
            ds.put("labels", NdData.uint8(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2));
            ds.put("embeddings", NdData.float64(new double[] {0.5, 1, 2, 3, 4, 5}, 2, 3));
            ds.put("number_of_samples", NdData.int64(new long[] {1, 1}, 2));
            ds.put("instances", NdData.uint32(new int[] {0, 7, -1}, 3));
            Hdf5.write(ours, ds);
            s.add(Files.readAllBytes(ours));
            for (String r : List.of("h5py_chunked_gzip.h5", "h5py_links.h5")) {
                try (InputStream in = ParserFuzzTest.class.getResourceAsStream("/fuzz/" + r)) {
                    s.add(in.readAllBytes());
                }
            }
            return s;
        }

        public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
            return m.bytes(seed, seeds);
        }

        public void parse(Path file) {
            for (String name : Hdf5.datasetNames(file)) {
                Campaign.user(file, () -> Hdf5.read(file, name).minMax());
            }
        }
        };
    }

    // ---- STAR and CSV ---------------------------------------------------------------------------------------------

    private static final String STAR_RELION = "\n# version 50001\n\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n"
            + "_rlnImagePixelSize #2\n1 2.5\n\ndata_particles\n\nloop_\n_rlnTomoName #1\n_rlnCoordinateX #2\n"
            + "_rlnCoordinateY #3\n_rlnCoordinateZ #4\n_rlnAngleRot #5\n_rlnClassNumber #6\n"
            + "TS_01 10.5 20 30 -45.0 1\nTS_01 11 21.25 31 90 2\n\"TS 02\" 1 2 3 0 1\n";
    private static final String STAR_CENTRES = "\ndata_\n\nloop_\n_rlnLabel #1\n_rlnCoordinateZ #2\n"
            + "_rlnCoordinateY #3\n_rlnCoordinateX #4\n_rlnMicrographName #5\n1\t5.0\t6.5\t7\tTS_01\n"
            + "2\t8\t9\t10\tTS_01\n\ndata_general\n_rlnTomoSizeX 100\n_rlnTomoName TS_01\n";
    private static final String CSV_REGIONS = "label,area,bbox-0,bbox-1,bbox-2,bbox-3,bbox-4,bbox-5,centroid-0,"
            + "centroid-1,centroid-2,tomo\n1,27,0,0,0,3,3,3,1.0,1.0,1.0,TS_01\n2,8,4,4,4,6,6,6,4.5,4.5,4.5,\"TS,02\"\n"
            + "3,1,7,7,7,8,8,8,7.0,7.0,,TS_03\n";

    @Test
    void starFiles() throws Exception {
        campaign(tables("star", ".star", STAR_RELION, STAR_CENTRES, "\uFEFF" + STAR_CENTRES));
    }

    @Test
    void csvFiles() throws Exception {
        campaign(csvTarget());
    }

    static Campaign.Target csvTarget() {
        return tables("csv", ".csv", CSV_REGIONS, "\uFEFF" + CSV_REGIONS.replace("\n", "\r\n"));
    }

    /** STAR or CSV by suffix, read as the commands read particle lists and region tables: typed columns. */
    private static Campaign.Target tables(String name, String suffix, String... seeds) {
        return new Campaign.Target() {
            public String name() {
                return name;
            }

            public String suffix() {
                return suffix;
            }

            public List<byte[]> seeds(Path d) {
                List<byte[]> s = new ArrayList<>();
                for (String t : seeds) {
                    s.add(t.getBytes(StandardCharsets.UTF_8));
                }
                return s;
            }

            public byte[] mutate(Mutator m, byte[] seed, List<byte[]> all) {
                return m.text(seed, all);
            }

            public void parse(Path f) {
                List<Table> tables = new ArrayList<>();
                if (suffix.equals(".star")) {
                    tables.addAll(StarFile.read(f).values());
                    Campaign.user(f, () -> StarFile.readTable(f));
                } else {
                    tables.add(Csv.read(f));
                }
                for (Table t : tables) {
                    for (String c : t.columns()) {
                        Campaign.user(f, () -> t.doubles(c));
                        Campaign.user(f, () -> t.longs(c));
                        Campaign.user(f, () -> t.ints(c));
                        t.strings(c);
                    }
                    Campaign.user(f, () -> t.doubles("no such column"));
                }
            }
        };
    }

    // ---- YAML configs ---------------------------------------------------------------------------------------------

    private static final String YAML = "data_folder: tomograms\nprediction_folder: out/semantic\n"
            + "trained_model: models/semantic.ckpt\nfile_extension: .mrc\ntest_files: null\n"
            + "parameters:\n  data:\n    patch_size: [32, 32, 32]\n    min: 0\n    max: 1\n    std: 1.0\n"
            + "  network:\n    threshold_foreground: 0.5\n    min_center_distance: 0\n    max_center_distance: 2\n"
            + "    postprocessing_sizes: [-1, 10, 20]\n    distance_type: 1\nhyper_parameters:\n  batch_size: 3\n"
            + "base: &b {lr: 1e-3, epochs: 2}\nderived:\n  <<: *b\n  lr: '0.01'\nnames: ['a', b, 3]\n";

    private static final String[] INT_KEYS = {"parameters.network.distance_type", "hyper_parameters.batch_size",
        "derived.epochs", "base.epochs", "parameters.data.min"};
    private static final String[] NUMBER_KEYS = {"parameters.data.max", "parameters.data.std", "derived.lr",
        "parameters.network.threshold_foreground", "parameters.network.max_center_distance"};
    private static final String[] LIST_KEYS = {"parameters.data.patch_size", "parameters.network.postprocessing_sizes",
        "names"};

    @Test
    void yamlConfigs() throws Exception {
        campaign(yamlTarget());
    }

    static Campaign.Target yamlTarget() {
        return new Campaign.Target() {
        public String name() {
            return "yaml";
        }

        public String suffix() {
            return ".yaml";
        }

        public List<byte[]> seeds(Path d) {
            return List.of(YAML.getBytes(StandardCharsets.UTF_8),
                    ("\uFEFF" + YAML.replace("[32, 32, 32]", "['32', '32', '32']")).getBytes(StandardCharsets.UTF_8));
        }

        public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
            return m.text(seed, seeds);
        }

        public void parse(Path file) {
            Config c = Config.load(file);
            for (String k : INT_KEYS) {
                Campaign.user(file, () -> c.integer(k));
            }
            for (String k : NUMBER_KEYS) {
                Campaign.user(file, () -> c.number(k));
                Campaign.user(file, () -> c.numberList(k));
            }
            for (String k : LIST_KEYS) {
                Campaign.user(file, () -> c.intList(k));
                Campaign.user(file, () -> c.numberList(k));
                Campaign.user(file, () -> c.stringListOrNull(k));
            }
            for (String k : new String[] {"data_folder", "file_extension", "parameters", "test_files"}) {
                Campaign.user(file, () -> c.string(k));
                Campaign.user(file, () -> c.path(k));
                Campaign.user(file, () -> c.bool(k, false));
                Campaign.user(file, () -> c.section(k));
            }
        }
        };
    }
}
