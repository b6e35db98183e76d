package org.cryosiam.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.NdData;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.io.zarr.ZarrArray;
import org.cryosiam.io.zarr.ZarrTestChunks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutation campaign of {@link ParserFuzzTest} (its input count and seed) on Zarr: mutated chunks (Blosc frames
 * of every shuffle, zstd, zlib, gzip) under fixed metadata, and mutated {@code .zarray} / OME {@code .zattrs}
 * metadata over valid chunks.
 * The input is copied into an array folder; a user error must name the file of that folder it comes from, and is
 * then reported under the input's name for the campaign's check.
 */
class ZarrFuzzTest {
    @TempDir
    Path dir;

    private void campaign(Campaign.Target t) throws Exception {
        ParserFuzzTest.campaign(t, dir);
    }

    private static String zarray(String compressor) {
        return "{\"zarr_format\": 2, \"shape\": [8, 40], \"chunks\": [8, 40], \"dtype\": \"<f4\", \"compressor\": "
                + compressor + ", \"fill_value\": 0.0, \"order\": \"C\", \"filters\": null}";
    }

    /** Runs {@code read}; a user error must name a file under {@code array}, and is re-worded to name {@code input}. */
    private static void asInput(Path input, Path array, Runnable read) {
        try {
            read.run();
        } catch (CryosiamUserException e) {
            String m = e.getMessage();
            if (!m.contains(array.toString()) || m.contains("\n") || !m.endsWith(".")) {
                throw new IllegalStateException("not one sentence naming a file of the array: " + m, e);
            }
            throw new CryosiamUserException(input + ": " + m, e);
        }
    }

    /** Chunks: each seed is a compressed chunk of the array whose compressor is seed index % 6. */
    @Test
    void chunks() throws Exception {
        campaign(new Campaign.Target() {
            public String name() {
                return "zarr-chunk";
            }

            public String suffix() {
                return ".chunk";
            }

            public List<byte[]> seeds(Path d) throws Exception {
                ByteBuffer raw = ByteBuffer.allocate(8 * 40 * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < 8 * 40; i++) {
                    raw.putFloat(4 * i, i % 11 == 0 ? (float) Math.sin(i) : i / 7);
                }
                List<byte[]> s = new ArrayList<>();
                for (int c = 0; c < ZarrTestChunks.COMPRESSORS.length; c++) {
                    byte[] chunk = ZarrTestChunks.encode(c, raw.array());
                    byte[] seed = new byte[chunk.length + 1]; // first byte: which compressor the metadata names
                    seed[0] = (byte) c;
                    System.arraycopy(chunk, 0, seed, 1, chunk.length);
                    s.add(seed);
                }
                return s;
            }

            public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
                return m.bytes(seed, seeds);
            }

            public void parse(Path file) throws Exception {
                byte[] b = Files.readAllBytes(file);
                Path a = Files.createDirectories(file.resolveSibling(file.getFileName() + ".zarr"));
                Files.write(a.resolve("0.0"), java.util.Arrays.copyOfRange(b, Math.min(1, b.length), b.length));
                // a mutated first byte reads a chunk under another compressor: to be refused cleanly too
                int c = b.length == 0 ? 0 : Math.floorMod(b[0], ZarrTestChunks.COMPRESSORS.length);
                Files.writeString(a.resolve(".zarray"), zarray(ZarrTestChunks.COMPRESSORS[c]), StandardCharsets.UTF_8);
                asInput(file, a, () -> ZarrArray.open(a).readAll().minMax());
            }
        });
    }

    /** Metadata: mutated .zarray and OME .zattrs texts over a valid image. */
    @Test
    void metadata() throws Exception {
        campaign(new Campaign.Target() {
            public String name() {
                return "zarr-meta";
            }

            public String suffix() {
                return ".json";
            }

            public List<byte[]> seeds(Path d) throws Exception {
                Path img = d.resolve("img.zarr");
                byte[] labels = new byte[6 * 5 * 4];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = (byte) (i % 3);
                }
                OmeZarr.write(img, NdData.uint8(labels, 6, 5, 4), new float[] {2f, 2f, 2f}, 2, true, "img");
                return List.of(Files.readAllBytes(img.resolve(".zattrs")), Files.readAllBytes(img.resolve("0/.zarray")),
                        Files.readAllBytes(img.resolve("1/.zarray")));
            }

            public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
                return m.bytes(seed, seeds);
            }

            public void parse(Path file) throws Exception {
                Path img = file.resolveSibling(file.getFileName() + ".zarr");
                byte[] labels = new byte[6 * 5 * 4];
                OmeZarr.write(img, NdData.uint8(labels, 6, 5, 4), new float[] {2f, 2f, 2f}, 2, true, "img");
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                Path target = img.resolve(text.contains("multiscales") ? ".zattrs" : "0/.zarray");
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                asInput(file, img, () -> {
                    OmeZarr.Image i = OmeZarr.open(img);
                    i.readAll().minMax();
                    int[] s = i.shape();
                    if (s[0] > 1 && s[1] > 2 && s[2] > 2) { // a box inside whatever shape the metadata gives
                        i.read(new int[] {1, 1, 1}, new int[] {1, 2, 2});
                    }
                });
            }
        });
    }
}
