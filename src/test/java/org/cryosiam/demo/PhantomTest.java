package org.cryosiam.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomTest {
    private static final Phantom.Spec SMALL = Phantom.Spec.of(40, 64, 64, 7);

    @TempDir
    Path dir;

    @Test
    void sameSeedSameVoxelsOtherSeedOtherVoxels() {
        Phantom.Result a = Phantom.generate(SMALL);
        Phantom.Result b = Phantom.generate(SMALL);
        assertArrayEquals(a.tomogram().data(), b.tomogram().data());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.instances(), b.instances());
        Phantom.Result c = Phantom.generate(Phantom.Spec.of(40, 64, 64, 8));
        assertFalse(java.util.Arrays.equals(a.labels(), c.labels()));
    }

    @Test
    void placesTheRequestedParticlesOfBothSpecies() {
        Phantom.Result r = Phantom.generate(SMALL.withCounts(1, 12, 9));
        assertEquals(12, r.count(Phantom.SPECIES_A));
        assertEquals(9, r.count(Phantom.SPECIES_B));
        assertEquals(21, r.particles().size());
        // the default density for 64x96x96
        Phantom.Spec d = Phantom.Spec.of(64, 96, 96, 1);
        assertEquals(34, d.particlesA());
        Phantom.Result dr = Phantom.generate(d);
        assertEquals(d.particlesA(), dr.count(Phantom.SPECIES_A));
        assertEquals(d.particlesB(), dr.count(Phantom.SPECIES_B));
    }

    @Test
    void labelsInstancesAndLamellaAgree() {
        Phantom.Result r = Phantom.generate(SMALL);
        int n = r.particles().size();
        int[] species = r.speciesOfInstance();
        long[] voxels = new long[n + 1];
        long membrane = 0;
        for (int v = 0; v < r.labels().length; v++) {
            int c = r.labels()[v];
            int id = r.instances()[v];
            if (c != 0) {
                assertEquals(1, r.lamella()[v], "all matter lies in the lamella");
            }
            if (id != 0) {
                assertEquals(species[id], c, "an instance voxel carries its species' class");
                voxels[id]++;
            } else {
                assertTrue(c == Phantom.BACKGROUND || c == Phantom.MEMBRANE, "particle voxels have an id");
            }
            membrane += c == Phantom.MEMBRANE ? 1 : 0;
            float expected = switch (c) {
                case 1 -> Phantom.DENSITY_MEMBRANE;
                case 2 -> Phantom.DENSITY_A;
                case 3 -> Phantom.DENSITY_B;
                default -> 0f;
            };
            assertEquals(expected, r.clean().data()[v]);
        }
        assertTrue(membrane > 64 * 64, "a membrane sheet spans the slice: " + membrane);
        for (Phantom.Particle p : r.particles()) {
            assertEquals(p.voxels(), voxels[p.id()]);
            if (p.species() == Phantom.SPECIES_A) {
                assertTrue(p.voxels() >= 120 && p.voxels() <= 380, "sphere r 3.2..4.4: " + p.voxels());
            } else {
                assertTrue(p.voxels() >= 12 && p.voxels() <= 60, "small ellipsoid: " + p.voxels());
            }
        }
        // the lamella is a slab: a full-depth column crosses it once, 70 % of the depth
        int col = 32 * 64 + 32;
        int inside = 0;
        for (int z = 0; z < 40; z++) {
            inside += r.lamella()[z * 64 * 64 + col];
        }
        assertTrue(inside >= 27 && inside <= 29, "lamella thickness " + inside);
    }

    @Test
    void denseMatterIsDarkAndTheLamellaBrighterThanVacuum() {
        Phantom.Result r = Phantom.generate(SMALL);
        double[] sum = new double[4];
        long[] cnt = new long[4];
        double out = 0;
        long nOut = 0;
        for (int v = 0; v < r.labels().length; v++) {
            if (r.lamella()[v] == 0) {
                out += r.tomogram().data()[v];
                nOut++;
            } else {
                sum[r.labels()[v]] += r.tomogram().data()[v];
                cnt[r.labels()[v]]++;
            }
        }
        double bg = sum[0] / cnt[0];
        assertTrue(bg > out / nOut + 0.15, "ice above vacuum");
        for (int c = 1; c <= 3; c++) {
            assertTrue(sum[c] / cnt[c] < bg - 0.3, "class " + c + " darker than the ice");
        }
    }

    @Test
    void writesSlicePngs() throws Exception {
        Phantom.Result r = Phantom.generate(SMALL);
        int z = 20;
        byte[] png = SliceImages.png(SliceImages.grey(SliceImages.slice(r.tomogram().data(), 64, 64, z), 64, 64, 2));
        assertEquals((byte) 0x89, png[0]);
        int[] labels = new int[r.labels().length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.labels()[i];
        }
        Files.write(dir.resolve("l.png"), SliceImages.png(SliceImages.classes(SliceImages.slice(labels, 64, 64, z),
                SliceImages.slice(r.clean().data(), 64, 64, z), 64, 64, 2)));
        assertTrue(Files.size(dir.resolve("l.png")) > 100);
        NdData.uint8(r.lamella(), 40, 64, 64); // shape fits
    }
}
