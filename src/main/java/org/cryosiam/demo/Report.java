package org.cryosiam.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.Table;

/**
 * The demo's {@code report.html}: one self-contained page (images as data URIs, no script, nothing fetched) with
 * slices of the raw, denoised, segmented and instance volumes beside the ground truth, the embedding scatter, the
 * quality against the phantom's ground truth and the time per step.
 */
public final class Report {
    private static final String OUT = "out/";

    private Report() {
    }

    /**
     * Quality against the ground truth (NaN where undefined).
     *
     * @param denoisePearson Pearson r of the denoised volume and the clean density
     * @param lamellaDice    Dice of the lamella mask
     * @param semanticDice   Dice per class 1..3 of the (post-processed) semantic labels (index 0 unused)
     * @param picking        particle centres: a centre inside a true particle is a hit (each particle once)
     * @param pickingSpecies of the hits, the fraction whose class matches the particle's species
     * @param instances      filtered instances against the true particles, IoU ≥ 0.5
     * @param rawInstances   the same before instance_filter
     * @param purity         k-means clusters of the embedded instances against the true species
     * @param embedded       the number of embedded instances
     * @param embeddedSpecies how many embedded instances lie mostly on species A and on species B
     */
    public record Metrics(double denoisePearson, double lamellaDice, double[] semanticDice, Quality.Matching picking,
                          double pickingSpecies, Quality.Matching instances, Quality.Matching rawInstances,
                          Quality.Purity purity, int embedded, int[] embeddedSpecies) {
    }

    /** Reads the demo's outputs in {@code dir/out} and compares them with the phantom. */
    public static Metrics metrics(Path dir, Phantom.Result p) {
        String s = Demo.STEM;
        float[] denoised = MrcReader.read(out(dir, "denoised/" + s + ".mrc")).data();
        double pearson = Quality.pearson(denoised, p.clean().data());

        int[] lamella = Hdf5.read(out(dir, "lamella/" + s + "_preds.h5"), "labels").toIntArray();
        double lamellaDice = Quality.dice(lamella, ints(p.lamella()), 1);

        int[] semantic = Hdf5.read(out(dir, "semantic/" + s + "_preds.h5"), "labels").toIntArray();
        int[] truth = ints(p.labels());
        double[] dice = new double[4];
        dice[0] = Double.NaN;
        for (int c = 1; c <= 3; c++) {
            dice[c] = Quality.dice(semantic, truth, c);
        }

        int[] species = p.speciesOfInstance();
        Set<Integer> hit = new HashSet<>();
        int centres = 0, sameSpecies = 0;
        for (int k = 1; k <= 3; k++) {
            Path csv = out(dir, "particles/labels_" + k + ".csv");
            if (!Files.exists(csv)) {
                continue;
            }
            Table t = Csv.read(csv);
            if (t.rowCount() == 0) {
                continue;
            }
            double[] cz = t.doubles("centroid-0"), cy = t.doubles("centroid-1"), cx = t.doubles("centroid-2");
            for (int i = 0; i < t.rowCount(); i++) {
                centres++;
                int z = (int) Math.round(cz[i]), y = (int) Math.round(cy[i]), x = (int) Math.round(cx[i]);
                if (z < 0 || y < 0 || x < 0 || z >= p.spec().nz() || y >= p.spec().ny() || x >= p.spec().nx()) {
                    continue;
                }
                int id = p.instances()[(z * p.spec().ny() + y) * p.spec().nx() + x];
                if (id > 0 && hit.add(id)) {
                    sameSpecies += species[id] == k ? 1 : 0;
                }
            }
        }
        Quality.Matching picking = new Quality.Matching(hit.size(), centres, p.particles().size());

        int[] inst = Hdf5.read(out(dir, "instance_filtered/" + s + "_instance_preds.h5"), "instances").toIntArray();
        int[] raw = Hdf5.read(out(dir, "instance/" + s + "_instance_preds.h5"), "instances").toIntArray();
        Quality.Matching matching = Quality.instances(inst, p.instances(), 0.5);
        Quality.Matching rawMatching = Quality.instances(raw, p.instances(), 0.5);

        Quality.Purity purity = new Quality.Purity(Double.NaN, 0, 0);
        int embedded = 0;
        int[] embeddedSpecies = new int[2];
        Path clusters = out(dir, "embeds/" + s + "_clusters_kmeans.h5");
        if (Files.exists(clusters)) {
            int[] cl = Hdf5.read(clusters, "predictions").toIntArray();
            long[] labels = Hdf5.read(out(dir, "embeds/" + s + "_instance_labels.h5"), "labels").toLongArray();
            embedded = labels.length;
            int[] majority = Quality.majorityClass(inst, truth, labels);
            purity = Quality.purity(cl, majority);
            for (int c : majority) {
                if (c == Phantom.SPECIES_A || c == Phantom.SPECIES_B) {
                    embeddedSpecies[c - Phantom.SPECIES_A]++;
                }
            }
        }
        return new Metrics(pearson, lamellaDice, dice, picking,
                hit.isEmpty() ? Double.NaN : sameSpecies / (double) hit.size(), matching, rawMatching, purity, embedded,
                embeddedSpecies);
    }

    /** Writes the page (atomically). */
    public static void write(Demo.Outcome o, Path file) {
        String html = html(o);
        AtomicFile.write(file, tmp -> Files.writeString(tmp, html, StandardCharsets.UTF_8));
    }

    /**
     * The slice shown: in the middle half of the depth, the one with the most particle voxels among those where a
     * membrane covers at least 2 % of the plane (any slice when none does).
     */
    static int sliceOf(Phantom.Result p) {
        int nz = p.spec().nz(), plane = p.spec().ny() * p.spec().nx();
        int best = nz / 2;
        long bestCount = -1;
        for (boolean needMembrane : new boolean[] {true, false}) {
            for (int z = nz / 4; z < nz - nz / 4; z++) {
                long n = 0, membrane = 0;
                for (int i = z * plane; i < (z + 1) * plane; i++) {
                    n += p.instances()[i] != 0 ? 1 : 0;
                    membrane += p.labels()[i] == Phantom.MEMBRANE ? 1 : 0;
                }
                if ((!needMembrane || membrane >= 0.02 * plane) && n > bestCount) {
                    bestCount = n;
                    best = z;
                }
            }
            if (bestCount >= 0) {
                break;
            }
        }
        return best;
    }

    static String html(Demo.Outcome o) {
        Phantom.Result p = o.phantom();
        Phantom.Spec spec = p.spec();
        Path dir = o.dir();
        String s = Demo.STEM;
        int ny = spec.ny(), nx = spec.nx();
        int z = sliceOf(p);
        int nz = spec.nz();
        int scale = Math.max(1, 256 / Math.max(ny, nx));
        int section = ny / 2;
        double shown = 256.0 / (Math.max(ny, nx) * scale); // display scale: every panel 256 px on its long side
        float[] rawSlice = SliceImages.slice(p.tomogram().data(), ny, nx, z);
        float[] denSlice = SliceImages.slice(MrcReader.read(out(dir, "denoised/" + s + ".mrc")).data(), ny, nx, z);
        int[] semSlice = SliceImages.slice(Hdf5.read(out(dir, "semantic/" + s + "_preds.h5"), "labels").toIntArray(),
                ny, nx, z);
        int[] lamXz = SliceImages.sectionXz(Hdf5.read(out(dir, "lamella/" + s + "_preds.h5"), "labels").toIntArray(),
                nz, ny, nx, section);
        float[] denXz = SliceImages.sectionXz(MrcReader.read(out(dir, "denoised/" + s + ".mrc")).data(), nz, ny, nx,
                section);
        int[] truthLamXz = SliceImages.sectionXz(ints(p.lamella()), nz, ny, nx, section);
        int[] instSlice = SliceImages.slice(Hdf5.read(out(dir, "instance_filtered/" + s + "_instance_preds.h5"),
                "instances").toIntArray(), ny, nx, z);
        int[] truthSlice = SliceImages.slice(ints(p.labels()), ny, nx, z);
        int[] truthInst = SliceImages.slice(p.instances(), ny, nx, z);

        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>CryoSiam demo report</title>\n")
                .append("<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1120px;")
                .append("color:#1d232a;padding:0 16px}\n")
                .append("h1{font-size:26px;margin-bottom:4px}h2{font-size:19px;margin-top:30px;border-bottom:1px solid #d7dde3;")
                .append("padding-bottom:4px}\n.sub{color:#5a6570;margin-top:0}\n")
                .append(".grid{display:flex;flex-wrap:wrap;gap:14px}.grid figure{margin:0}")
                .append(".grid img{image-rendering:pixelated;border:1px solid #c3cbd3;display:block}\n")
                .append("figcaption{font-size:13px;color:#38424c;margin-top:4px}\n")
                .append("table{border-collapse:collapse;font-size:14px}td,th{padding:5px 12px;border-bottom:1px solid #e2e7ec;")
                .append("text-align:left}th{background:#f3f6f8}td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append(".bar{background:#4f8fd6;height:10px;display:inline-block;border-radius:2px}\n")
                .append(".key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}\n")
                .append(".note{font-size:13px;color:#5a6570;max-width:900px}\n")
                .append("</style></head><body>\n");
        h.append("<h1>CryoSiam demo</h1>\n<p class=\"sub\">A synthetic tomogram of ")
                .append(spec.nz()).append(" × ").append(ny).append(" × ").append(nx)
                .append(" voxels (z × y × x), seed ").append(spec.seed()).append(", ")
                .append(p.count(Phantom.SPECIES_A)).append(" particles of species A and ")
                .append(p.count(Phantom.SPECIES_B)).append(" of species B, ")
                .append(spec.membranes()).append(spec.membranes() == 1 ? " membrane" : " membranes")
                .append(", run through every CryoSiam step in ").append(fmt(o.totalSeconds(), 1)).append(" s.</p>\n");

        h.append("<h2>Slice z = ").append(z).append("</h2>\n<div class=\"grid\">\n");
        figure(h, shown, SliceImages.grey(rawSlice, ny, nx, scale), "Raw tomogram (dense matter dark)");
        figure(h, shown, SliceImages.grey(denSlice, ny, nx, scale), "Denoised (denoise_predict)");
        figure(h, shown, SliceImages.classes(semSlice, denSlice, ny, nx, scale),
                "Semantic segmentation (semantic_predict + semantic_postprocessing)");
        figure(h, shown, SliceImages.instances(instSlice, ny, nx, scale), "Instances (instance_predict + instance_filter)");
        figure(h, shown, SliceImages.classes(truthSlice, SliceImages.slice(p.clean().data(), ny, nx, z), ny, nx, scale),
                "Ground truth classes");
        figure(h, shown, SliceImages.instances(truthInst, ny, nx, scale), "Ground truth instances");
        h.append("</div>\n<h2>Section y = ").append(section).append(" (x horizontal, z down)</h2>\n<div class=\"grid\">\n");
        figure(h, shown, SliceImages.classes(lamXz, denXz, nz, nx, scale), "Lamella mask (semantic_predict, lamella model) "
                + "over the denoised section");
        figure(h, shown, SliceImages.classes(truthLamXz, denXz, nz, nx, scale), "Ground truth lamella");
        h.append("</div>\n<p class=\"key\">Classes:<span style=\"background:#f2c029\"></span>membrane")
                .append("<span style=\"background:#e4413a\"></span>species A (spheres)")
                .append("<span style=\"background:#36c5e0\"></span>species B (small elongated)")
                .append(" — the lamella is drawn in the membrane colour.</p>\n");

        Metrics m = o.metrics();
        h.append("<h2>Quality against the ground truth</h2>\n<table>\n<tr><th>step</th><th>measure</th><th>value</th>")
                .append("<th>details</th></tr>\n");
        row(h, "denoise", "Pearson r with the clean density", fmt(m.denoisePearson(), 3), "raw tomogram: "
                + fmt(Quality.pearson(p.tomogram().data(), p.clean().data()), 3));
        row(h, "lamella", "Dice", fmt(m.lamellaDice(), 3), "");
        for (int c = 1; c <= 3; c++) {
            row(h, c == 1 ? "semantic" : "", "Dice, " + Phantom.CLASS_NAMES[c], fmt(m.semanticDice()[c], 3), "");
        }
        row(h, "particle centres", "F1 (centre inside a true particle)", fmt(m.picking().f1(), 3),
                m.picking().truePositives() + " hits of " + m.picking().predicted() + " centres, "
                        + m.picking().actual() + " particles; right species for " + pct(m.pickingSpecies()) + " of the hits");
        row(h, "instances", "F1 at IoU ≥ 0.5", fmt(m.instances().f1(), 3), m.instances().truePositives()
                + " matched of " + m.instances().predicted() + " predicted, " + m.instances().actual()
                + " true; before instance_filter: F1 " + fmt(m.rawInstances().f1(), 3) + " ("
                + m.rawInstances().predicted() + " predicted)");
        row(h, "clustering", "purity of the 2 k-means clusters vs species", fmt(m.purity().purity(), 3),
                m.embedded() + " instances embedded: " + m.embeddedSpecies()[0] + " on species A, "
                        + m.embeddedSpecies()[1] + " on species B, " + (m.embedded() - m.purity().items())
                        + " on no particle");
        h.append("</table>\n<p class=\"note\">Dice = 2|P∩T|/(|P|+|T|) per class over the whole volume. Instance F1 = "
                + "2·TP/(predicted+true), a pair counting when its intersection over union is at least 0.5. Purity = "
                + "the share of embedded particles whose cluster's majority species is their own (0.5 is chance for "
                + "two equal species). The numbers measure the models shipped with this build on this phantom.</p>\n");

        h.append("<h2>Subtomogram embeddings</h2>\n");
        Path png = out(dir, "embeds/vis/" + s + "_embeds_umap.png");
        if (Files.exists(png)) {
            // shown at (nearly) its own size: scaled down, its axis ticks could not be read
            h.append("<figure style=\"margin:0\"><img alt=\"UMAP of the embeddings\" style=\"width:100%;"
                    + "max-width:1000px;border:1px solid #c3cbd3\" src=\"data:image/png;base64,").append(base64(png)).append("\">")
                    .append("<figcaption>UMAP of the SimSiam embeddings of the filtered instances, coloured by k-means "
                            + "cluster (simsiam_visualize_embeddings). Interactive version: <a href=\"")
                    .append(OUT).append("embeds/vis/").append(s).append("_embeds_umap.html\">").append(s)
                    .append("_embeds_umap.html</a>.</figcaption></figure>\n");
        } else {
            h.append("<p>No scatter: fewer than two instances were embedded.</p>\n");
        }

        h.append("<h2>Time per step</h2>\n<table>\n<tr><th>#</th><th>command</th><th>config</th><th>seconds</th><th></th></tr>\n");
        double max = o.steps().stream().mapToDouble(Demo.Step::seconds).max().orElse(1);
        max = Math.max(max, o.phantomSeconds());
        timeRow(h, "", "phantom generator", "", o.phantomSeconds(), max);
        int i = 1;
        for (Demo.Step st : o.steps()) {
            timeRow(h, String.valueOf(i++), st.command(), "<a href=\"configs/" + st.config() + "\">" + st.config()
                    + "</a>", st.seconds(), max);
        }
        h.append("<tr><th></th><th>total (with the report)</th><th></th><td class=\"n\"><b>")
                .append(fmt(o.totalSeconds(), 1)).append("</b></td><td></td></tr>\n</table>\n");
        h.append("<p class=\"note\">").append(Runtime.getRuntime().availableProcessors())
                .append(" processors available to the JVM.</p>\n");

        h.append("<h2>Files</h2>\n<ul>\n");
        for (String c : DemoConfigs.all(dir, dir).keySet()) {
            h.append("<li><a href=\"configs/").append(c).append("\">configs/").append(c).append("</a></li>\n");
        }
        h.append("<li><a href=\"commands.sh\">commands.sh</a> — the commands in the order they ran</li>\n")
                .append("<li><code>tomograms/").append(s).append(".mrc</code> — the input; ground truth in <code>truth/</code>;")
                .append(" every output in <code>out/</code></li>\n</ul>\n</body></html>\n");
        return h.toString();
    }

    private static void figure(StringBuilder h, double shown, java.awt.image.BufferedImage img, String caption) {
        h.append("<figure style=\"width:").append(Math.round(img.getWidth() * shown)).append("px\"><img alt=\"")
                .append(caption).append("\" width=\"").append(Math.round(img.getWidth() * shown))
                .append("\" height=\"").append(Math.round(img.getHeight() * shown)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(SliceImages.png(img))).append("\"><figcaption>")
                .append(caption).append("</figcaption></figure>\n");
    }

    private static void row(StringBuilder h, String step, String measure, String value, String details) {
        h.append("<tr><td>").append(step).append("</td><td>").append(measure).append("</td><td class=\"n\"><b>")
                .append(value).append("</b></td><td>").append(details).append("</td></tr>\n");
    }

    private static void timeRow(StringBuilder h, String n, String command, String config, double sec, double max) {
        h.append("<tr><td>").append(n).append("</td><td>").append(command).append("</td><td>").append(config)
                .append("</td><td class=\"n\">").append(fmt(sec, 1)).append("</td><td><span class=\"bar\" style=\"width:")
                .append(Math.max(1, (int) Math.round(240 * sec / max))).append("px\"></span></td></tr>\n");
    }

    static String fmt(double v, int digits) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    private static String base64(Path file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path out(Path dir, String rel) {
        return dir.resolve(OUT + rel);
    }

    static int[] ints(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    /** The metric rows as plain text (for the command's summary). */
    static List<String> summary(Metrics m) {
        List<String> l = new ArrayList<>();
        l.add("denoise Pearson r " + fmt(m.denoisePearson(), 3) + ", lamella Dice " + fmt(m.lamellaDice(), 3)
                + ", semantic Dice membrane/A/B " + fmt(m.semanticDice()[1], 3) + "/" + fmt(m.semanticDice()[2], 3)
                + "/" + fmt(m.semanticDice()[3], 3));
        l.add("picking F1 " + fmt(m.picking().f1(), 3) + ", instance F1 " + fmt(m.instances().f1(), 3)
                + " (" + m.instances().truePositives() + "/" + m.instances().actual() + "), cluster purity "
                + fmt(m.purity().purity(), 3) + " (" + m.embeddedSpecies()[0] + " A, " + m.embeddedSpecies()[1] + " B)");
        return l;
    }
}
