package org.cryosiam.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.Fixtures;
import org.cryosiam.Main;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end on a reduced phantom (40×56×56: 18 patches per dense model) with the fixture models, which
 * were fitted briefly to unblurred phantoms of this style. Measured with seed 3 (2 cores): denoise r 0.86, lamella
 * Dice 0.86, membrane 0.60, species A 0.72, species B 0.00 (the fixture models never find the small species),
 * picking F1 0.67, instance F1 0.52; the thresholds below leave a margin under those.
 */
class DemoTest {
    private static final List<String> OUTPUTS = List.of(
            "tomograms/phantom.mrc", "truth/clean/phantom.mrc", "truth/labels/phantom.mrc",
            "truth/instances/phantom.mrc", "truth/lamella/phantom.mrc", "commands.sh",
            "out/denoised/phantom.mrc", "out/denoised/phantom_preds.h5",
            "out/lamella/phantom_preds.h5", "out/semantic/phantom_preds.h5", "out/particles/phantom_preds.h5",
            "out/particles/labels_1.csv", "out/particles/labels_2.csv", "out/particles/labels_3.csv",
            "out/particles/labels_2_particles.star",
            "out/instance/phantom_preds.h5", "out/instance/phantom_instance_preds.h5",
            "out/instance/phantom_instance_regions.csv", "out/instance_filtered/phantom_instance_preds.h5",
            "out/embeds/phantom_embeds.h5", "out/embeds/phantom_instance_labels.h5",
            "out/embeds/phantom_instance_regions.csv", "out/embeds/embeddings.h5", "out/embeds/kmeans_clusters.h5",
            "out/embeds/phantom_clusters_kmeans.h5", "out/embeds/phantom_instance_regions_kmeans_clustered.csv",
            "out/embeds/vis/phantom_embeds_umap.html", "out/embeds/vis/phantom_embeds_umap.png",
            "report.html");

    @TempDir
    Path dir;

    @Test
    void runsEveryStepAndReportsTheQuality() throws Exception {
        Path models = Fixtures.pipelineSmall().resolve("models");
        Phantom.Spec spec = Phantom.Spec.of(40, 56, 56, 3);
        Demo.Outcome o = new Demo(dir.resolve("demo"), models, spec, Main::run, true, List.of()).run();
        Path d = o.dir();
        for (String f : OUTPUTS) {
            assertTrue(Files.isRegularFile(d.resolve(f)), "missing " + f);
        }
        for (String c : DemoConfigs.all(d, models).keySet()) {
            Config cfg = Config.load(d.resolve("configs").resolve(c));
            assertTrue(Files.exists(cfg.path("data_folder")), c + ": data_folder");
        }
        assertEquals(11, o.steps().size());
        assertTrue(Hdf5.read(d.resolve("out/embeds/phantom_instance_labels.h5"), "labels").size() >= 2);
        assertTrue(Csv.read(d.resolve("out/embeds/phantom_instance_regions_kmeans_clustered.csv"))
                .hasColumn("semantic_class"));

        Report.Metrics m = o.metrics();
        assertTrue(m.denoisePearson() > 0.75, "denoise r " + m.denoisePearson());
        assertTrue(m.lamellaDice() > 0.75, "lamella Dice " + m.lamellaDice());
        assertTrue(m.semanticDice()[1] > 0.45, "membrane Dice " + m.semanticDice()[1]);
        assertTrue(m.semanticDice()[2] > 0.55, "species A Dice " + m.semanticDice()[2]);
        assertFalse(Double.isNaN(m.semanticDice()[3]), "species B Dice is computed");
        assertTrue(m.picking().f1() > 0.45, "picking F1 " + m.picking().f1());
        assertTrue(m.instances().f1() > 0.35, "instance F1 " + m.instances().f1());
        assertTrue(m.rawInstances().predicted() >= m.instances().predicted());
        assertTrue(m.embedded() >= 2 && m.purity().purity() >= 0.5, "purity " + m.purity());

        String html = Files.readString(d.resolve("report.html"));
        assertFalse(html.contains("<script src") || html.contains("http://") || html.contains("https://"),
                "the report works offline");
        assertTrue(html.split("data:image/png;base64,").length - 1 >= 8, "7 slices and the scatter are embedded");
        assertTrue(html.contains("href=\"configs/embeddings.yaml\"") && html.contains("F1 at IoU"));
        for (Demo.Step s : o.steps()) {
            assertTrue(html.contains(s.command()));
        }
        assertTrue(Files.exists(d.resolve(".cryosiam-demo")), "marks the folder as the demo's (replaced next time)");
    }

    @Test
    void withoutModelsItSaysHowToPassThem() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run("demo", "--out", dir.resolve("d").toString(), "--size", "small");
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, rc);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("not bundled in this build") && msg.contains("--models"), msg);
        assertEquals(1, msg.strip().lines().count(), "one sentence: " + msg);
        assertFalse(Files.exists(dir.resolve("d")), "nothing written");
    }

    @Test
    void phantomOnlyNeedsNoModels() {
        Path d = dir.resolve("p");
        assertEquals(0, Main.run("--quiet", "demo", "--phantom-only", "--size", "small", "--seed", "5", "--out",
                d.toString()));
        assertTrue(Files.isRegularFile(d.resolve("tomograms/phantom.mrc")));
        assertTrue(Files.isRegularFile(d.resolve("truth/labels/phantom.mrc")));
        assertEquals(40, org.cryosiam.io.MrcReader.read(d.resolve("truth/lamella/phantom.mrc")).nz());
        assertFalse(Files.exists(d.resolve("report.html")));
    }

    @Test
    void refusesAForeignFolderAndMissingModels() throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "x");
        assertEquals(2, Main.run("--quiet", "demo", "--out", dir.toString(), "--models", dir.toString()));
        assertTrue(Files.exists(dir.resolve("precious.txt")));
        Path empty = dir.resolve("empty-models");
        Files.createDirectories(empty);
        assertEquals(2, Main.run("--quiet", "demo", "--out", dir.resolve("o").toString(), "--models", empty.toString()));
        assertEquals(2, Main.run("--quiet", "demo", "--size", "huge", "--out", dir.resolve("o").toString()));
    }
}
