package org.cryosiam.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SubtomogramPatches;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.ops.ExpandLabels;
import org.cryosiam.ops.RegionProps;
import org.cryosiam.run.Failures;
import org.cryosiam.run.RunContext;
import org.cryosiam.train.Augment;
import org.cryosiam.train.InstanceTargets;
import org.cryosiam.train.Optimizer;
import org.cryosiam.train.Sample;
import org.cryosiam.train.SimSiamTrainer;
import org.cryosiam.train.TaskModel;
import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingData;
import org.cryosiam.train.TrainingTask;
import org.cryosiam.train.listener.Listeners;
import org.cryosiam.volume.Volume;
import org.cryosiam.workflow.DenoisePrediction;
import org.cryosiam.workflow.StepRun;

import ai.djl.Device;

/**
 * Trains the six small models that {@code cryosiam demo} bundles, from scratch, with this product's trainers
 * ({@link Trainer} for the dense models, {@link SimSiamTrainer} for the embeddings) on phantoms of the demo's
 * generator with seeds {@code 101, 102, …} (the demo itself shows seed 1, which training never sees):
 * <ol>
 *   <li>{@code denoise.ckpt}: CNN head, noisy tomogram (inverted, percentile-scaled as {@code denoise_predict}
 *       does) → the noise- and blur-free image {@code clean − 0.3·lamella}, MSE;</li>
 *   <li>the phantoms are then denoised with it by {@code denoise_predict} itself (the demo's config), so the other
 *       models learn on the input they will get;</li>
 *   <li>{@code lamella.ckpt} (1 class), {@code semantic.ckpt} (4 classes), {@code particles.ckpt} (4 channels,
 *       trained on classes 2 and 3 only, membranes as background): semantic heads with the reference's semantic loss
 *       (cross-entropy or BCE + generalised Dice + tanh-distance MSE);</li>
 *   <li>{@code instance.ckpt}: instance heads (foreground, distance, boundary);</li>
 *   <li>{@code embeddings.ckpt}: SimSiam on 16³ subtomograms of the ground-truth particles, cut and masked exactly as
 *       {@code simsiam_embeddings_predict} cuts them (expanded by 1 voxel, convex-hull mask).</li>
 * </ol>
 * Every dense model has the fixtures' small architecture (basic blocks [1, 1, 1, 1], filters [8, 16, 32, 64], FPN
 * 16, dense_dim 8, heads [8, 16]); checkpoints are written without optimiser state (0.3 MB each).
 */
public final class DemoTraining {
    /**
     * @param phantoms       number of training phantoms (the last one validates)
     * @param size           their size
     * @param densePatches   training patches per dense model (32³, drawn at random positions of the phantoms)
     * @param epochs         epochs per dense model
     * @param embeddingEpochs epochs of the SimSiam model
     */
    public record Settings(int phantoms, Demo.Size size, int densePatches, int epochs, int embeddingEpochs, long seed) {
        public static Settings defaults() {
            return new Settings(6, Demo.Size.DEFAULT, 480, 6, 40, 101);
        }
    }

    static final int PATCH = DemoConfigs.DENSE_PATCH;
    static final int SUBTOMOGRAM = DemoConfigs.EMBEDDING_PATCH;
    static final int BATCH = 4;
    static final int EMBEDDING_BATCH = 32;

    private final Path dir;
    private final Settings settings;
    private final Device device;
    /** Where the denoising of the training phantoms runs and reports a failure: quietly, on the default device. */
    private final RunContext denoiseRun;
    private final Consumer<String> log;

    /** @param ctx the command's run, whose output and error streams the denoising step uses */
    public DemoTraining(Path dir, Settings settings, Device device, RunContext ctx, Consumer<String> log) {
        this.dir = dir.toAbsolutePath().normalize();
        this.settings = settings;
        this.device = device;
        this.denoiseRun = RunContext.of(ctx.out(), ctx.err(), true, false, null, null, null);
        this.log = log;
    }

    /** The architecture of every dense backbone ({@code backbone_config}). */
    static Map<String, Object> backboneConfig() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("block_type", "basic");
        n.put("spatial_dims", 3);
        n.put("in_channels", 1);
        n.put("num_layers", List.of(1, 1, 1, 1));
        n.put("num_filters", List.of(8, 16, 32, 64));
        n.put("fpn_channels", 16);
        n.put("no_max_pool", true);
        n.put("dim", 32);
        n.put("pred_dim", 16);
        n.put("dense_dim", 8);
        n.put("dense_pred_dim", 8);
        n.put("decoder_type", "fpn");
        return Map.of("parameters", Map.of("network", n));
    }

    /** The training config recorded as {@code hyper_parameters.config} of a dense model. */
    static Map<String, Object> headConfig(String model, int outChannels, int epochs) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("spatial_dims", 3);
        n.put("in_channels", 1);
        n.put("dense_dim", 8);
        n.put("filters", List.of(8, 16));
        n.put("kernel_size", 3);
        n.put("padding", 1);
        n.put("out_channels", outChannels);
        n.put("n_output_channels", 1);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("optimizer", "adamw");
        hp.put("lr", LR);
        hp.put("weight_decay", WEIGHT_DECAY);
        hp.put("batch_size", BATCH);
        hp.put("max_epochs", epochs);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("trained_by", "cryosiam for the JVM, train_demo_models (" + model + ")");
        c.put("parameters", parameters(n, PATCH));
        c.put("hyper_parameters", hp);
        return c;
    }

    /**
     * {@code parameters}: {@code network} then {@code data}, in a fixed order (a {@code Map.of} iterates in an order
     * that changes from run to run, and the checkpoint would change with it).
     */
    private static Map<String, Object> parameters(Map<String, Object> network, int patch) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("network", network);
        p.put("data", dataConfig(patch));
        return p;
    }

    /** {@code parameters.data}: the patch and the intensity values of the demo configs (0..1 input, unnormalised). */
    private static Map<String, Object> dataConfig(int patch) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("patch_size", List.of(patch, patch, patch));
        data.put("min", 0);
        data.put("max", 1);
        data.put("mean", 0);
        data.put("std", 1);
        return data;
    }

    static final double LR = 0.003;
    static final double WEIGHT_DECAY = 1e-5;

    /** What a run wrote: the checkpoints' folder and one line per model. */
    public record Result(Path models, List<String> summary) {
    }

    public Result run() throws IOException {
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        List<String> summary = new ArrayList<>();
        long t0 = System.nanoTime();

        List<Phantom.Result> phantoms = new ArrayList<>();
        Path tomograms = dir.resolve("tomograms");
        Files.createDirectories(tomograms);
        for (int i = 0; i < settings.phantoms(); i++) {
            Phantom.Result p = Phantom.generate(settings.size().spec(settings.seed() + i));
            phantoms.add(p);
            MrcWriter.write(tomograms.resolve(name(i) + ".mrc"), p.tomogram());
        }
        log.accept(String.format(Locale.ROOT, "%d phantoms %dx%dx%d (seeds %d..%d)", phantoms.size(),
                settings.size().nz, settings.size().ny, settings.size().nx, settings.seed(),
                settings.seed() + phantoms.size() - 1));

        // 1. denoising: noisy → noise- and blur-free image
        List<Volume> inputs = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        for (Phantom.Result p : phantoms) {
            Volume v = new Volume(p.tomogram().data().clone(), p.spec().nz(), p.spec().ny(), p.spec().nx());
            inputs.add(Preprocessing.denoise(v, new Preprocessing.Intensity(0, 1, 0, 1)));
            float[] clean = p.clean().data();
            float[] t = new float[clean.length];
            for (int k = 0; k < t.length; k++) {
                t[k] = clean[k] - Phantom.LAMELLA_OFFSET * p.lamella()[k];
            }
            targets.add(t);
        }
        summary.add(dense("denoise", Trainer.Task.DENOISE, 1, inputs, i -> new int[inputs.get(i).data().length],
                targets::get, false, models));

        // 2. the phantoms as denoise_predict gives them
        Path work = dir.resolve("denoise-work");
        Files.createDirectories(work.resolve("configs"));
        Path config = work.resolve("configs").resolve("denoise.yaml");
        Files.writeString(config, DemoConfigs.denoise(tomograms, work.resolve("denoised"),
                models.resolve("denoise.ckpt"), false));
        int rc = denoise(config);
        if (rc != 0) {
            throw new IllegalStateException("denoise_predict of the training phantoms failed (exit code " + rc + ")");
        }
        List<Volume> denoised = new ArrayList<>();
        for (int i = 0; i < phantoms.size(); i++) {
            denoised.add(MrcReader.read(work.resolve("denoised").resolve(name(i) + ".mrc")));
        }

        // 3. semantic models and 4. instances, on the denoised phantoms
        summary.add(dense("lamella", Trainer.Task.SEMANTIC, 1, denoised, i -> ints(phantoms.get(i).lamella()),
                null, false, models));
        summary.add(dense("semantic", Trainer.Task.SEMANTIC, 4, denoised, i -> ints(phantoms.get(i).labels()),
                null, true, models));
        summary.add(dense("particles", Trainer.Task.SEMANTIC, 4, denoised, i -> {
            int[] l = ints(phantoms.get(i).labels());
            for (int k = 0; k < l.length; k++) {
                if (l[k] == Phantom.MEMBRANE) {
                    l[k] = Phantom.BACKGROUND;
                }
            }
            return l;
        }, null, true, models));
        summary.add(dense("instance", Trainer.Task.INSTANCE, 1, denoised, i -> phantoms.get(i).instances(), null,
                true, models));

        // 5. embeddings
        summary.add(embeddings(phantoms, denoised, models));
        log.accept(String.format(Locale.ROOT, "trained the six demo models in %.1f min",
                (System.nanoTime() - t0) / 60e9));
        return new Result(models, summary);
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "train_%02d", i);
    }

    private static int[] ints(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    /**
     * Trains one dense model on random 32³ patches of the volumes (the last volume validates) and writes
     * {@code models/<model>.ckpt} from the epoch with the lowest validation loss.
     *
     * @param labels        per volume: class labels, instance ids or nothing (denoise)
     * @param regression    per volume: the denoising target, else null
     * @param skipBackground draw training patches that hold at least one labelled voxel only
     */
    private String dense(String model, Trainer.Task task, int channels, List<Volume> volumes,
            java.util.function.IntFunction<int[]> labels, java.util.function.IntFunction<float[]> regression,
            boolean skipBackground, Path models) throws IOException {
        long t0 = System.nanoTime();
        int n = volumes.size();
        int mapChannels = task == Trainer.Task.SEMANTIC ? channels : 1;
        Random r = new Random(settings.seed() * 7919 + model.hashCode());
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Volume v = volumes.get(i);
            int[] size = v.shape();
            int[] lab = labels.apply(i);
            float[] maps = switch (task) {
                case DENOISE -> regression.apply(i);
                case INSTANCE -> InstanceTargets.distances(lab, size[0], size[1], size[2]);
                case SEMANTIC -> scaled(TrainingData.distanceMaps(lab, size[0], size[1], size[2], channels));
            };
            boolean validation = i == n - 1;
            int want = validation ? Math.max(BATCH, settings.densePatches() / 10) : settings.densePatches() / (n - 1);
            List<Sample> into = validation ? val : train;
            int attempts = 0;
            while (into.size() < (validation ? want : want * (i + 1)) && attempts++ < want * 50) {
                int[] start = {r.nextInt(size[0] - PATCH + 1), r.nextInt(size[1] - PATCH + 1),
                    r.nextInt(size[2] - PATCH + 1)};
                int[] patch = {PATCH, PATCH, PATCH};
                int[] l = cropInts(lab, size, start);
                if (skipBackground && java.util.Arrays.stream(l).allMatch(x -> x == 0)) {
                    continue;
                }
                into.add(new Sample(model + "_" + i, TrainingData.crop(v.data(), 1, size, start, patch), l,
                        TrainingData.crop(maps, mapChannels, size, start, patch), mapChannels, PATCH, PATCH, PATCH));
            }
        }
        Augment.Spec augment = task == Trainer.Task.DENOISE
                ? new Augment.Spec(null, null, null, null, false, true, null)
                : new Augment.Spec(new double[] {0.1, 0.6}, null, null, new double[] {0.01, 0.05}, false, true, 0.1);
        boolean semantic = task == Trainer.Task.SEMANTIC; // Dice and the tanh distance are the semantic loss's
        Trainer.Settings s = new Trainer.Settings(TrainingTask.of(task, semantic, semantic), Trainer.Freeze.NONE,
                new Trainer.Optimization(Optimizer.Kind.ADAMW, LR, 0.9, WEIGHT_DECAY),
                new Trainer.Schedule(BATCH, settings.epochs(), 1), new Trainer.Data(mapChannels, 0, 1, augment),
                settings.seed());
        Map<String, Object> bb = backboneConfig();
        Map<String, Object> config = headConfig(model, channels, settings.epochs());
        Map<String, Object> hp = TaskModel.hyperParameters(config, bb);
        Map<String, Tensor> backbone;
        try (Network random = Networks.randomBackbone(bb, device, settings.seed() + model.hashCode())) {
            backbone = TaskModel.stateDict(random, Map.of());
        }
        Map<String, Tensor> sd = TaskModel.initialStateDict("demo " + model, backbone, bb, config, task,
                settings.seed());
        Path logDir = dir.resolve("training").resolve(model);
        List<Trainer.EpochMetrics> metrics;
        try (Network net = Networks.build("demo " + model, sd, hp, device, true)) {
            metrics = new Trainer(s, net).listeners(Listeners.defaults(logDir, hp, new LinkedHashMap<>(sd),
                    m -> log.accept(model + " " + m), null, OutputSink.NONE)).run(train, val, Trainer.Resume.fresh());
        }
        Checkpoint best = Checkpoint.load(logDir.resolve("model").resolve("model_best.ckpt"));
        writeSlim(best, models.resolve(model + ".ckpt"));
        Trainer.EpochMetrics last = metrics.get(metrics.size() - 1);
        double bestVal = metrics.stream().mapToDouble(Trainer.EpochMetrics::valLoss).min().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%s: %d train / %d val patches, %d epochs, train loss %.4f, best val loss "
                + "%.4f, %.1f min", model, train.size(), val.size(), metrics.size(), last.trainLoss(), bestVal,
                (System.nanoTime() - t0) / 60e9);
    }

    /** The checkpoint without optimiser and scheduler state: what inference reads, at a quarter of the size. */
    static void writeSlim(Checkpoint c, Path file) {
        Object epoch = c.get("epoch");
        Object step = c.get("global_step");
        CheckpointWriter.write(file, CheckpointWriter.lightning(c.stateDict(), c.hyperParameters(),
                ((Number) epoch).longValue(), ((Number) step).longValue(), List.of(), List.of(), Map.of()));
    }

    /**
     * {@code denoise_predict} on {@code config}, as {@code cryosiam --quiet denoise_predict --config_file config}
     * runs it (the arguments its run record notes); returns its exit code, a failure reported as the command does.
     */
    private int denoise(Path config) {
        try {
            StepRun.execute(DenoisePrediction.STEP, List.of("--quiet", DenoisePrediction.NAME, "--config_file",
                    config.toString()), config, StepRun.Selection.ALL, denoiseRun);
            return 0;
        } catch (Exception e) {
            return Failures.report(e, "cryosiam " + DenoisePrediction.NAME, denoiseRun.err(), false);
        }
    }

    /** Semantic distance targets as the reference's training reads them: clipped to ±5, scaled to ±1. */
    private static float[] scaled(float[] d) {
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(-5f, Math.min(5f, d[i])) / 5f;
        }
        return d;
    }

    private static int[] cropInts(int[] a, int[] size, int[] start) {
        int[] out = new int[PATCH * PATCH * PATCH];
        int k = 0;
        for (int z = 0; z < PATCH; z++) {
            for (int y = 0; y < PATCH; y++) {
                int src = ((start[0] + z) * size[1] + start[1] + y) * size[2] + start[2];
                System.arraycopy(a, src, out, k, PATCH);
                k += PATCH;
            }
        }
        return out;
    }

    /** The SimSiam model on the ground-truth particles of the denoised phantoms, cut as the prediction cuts them. */
    private String embeddings(List<Phantom.Result> phantoms, List<Volume> denoised, Path models) throws IOException {
        long t0 = System.nanoTime();
        List<float[]> cubes = new ArrayList<>();
        int[] patch = {SUBTOMOGRAM, SUBTOMOGRAM, SUBTOMOGRAM};
        for (int i = 0; i < phantoms.size(); i++) {
            Volume v = denoised.get(i);
            int[] ids = ExpandLabels.expand(phantoms.get(i).instances(), v.nz(), v.ny(), v.nx(), 1);
            for (RegionProps.Region reg : RegionProps.of(ids, v.nz(), v.ny(), v.nx())) {
                SubtomogramPatches.Box box = SubtomogramPatches.crop(v, reg.z0(), reg.y0(), reg.x0(), reg.z1(),
                        reg.y1(), reg.x1());
                byte[] mask = SubtomogramPatches.cropMask(ids, v.ny(), v.nx(), reg.label(), reg.z0(), reg.y0(),
                        reg.x0(), reg.z1(), reg.y1(), reg.x1());
                SubtomogramPatches.mask(box, mask, SubtomogramPatches.HULL_MASK);
                float[] cube = new float[SUBTOMOGRAM * SUBTOMOGRAM * SUBTOMOGRAM];
                SubtomogramPatches.fit(box, patch, cube, 0);
                cubes.add(cube);
            }
        }
        Map<String, Object> n = new LinkedHashMap<>(castNetwork(backboneConfig()));
        n.remove("fpn_channels");
        n.remove("dense_dim");
        n.remove("dense_pred_dim");
        n.remove("decoder_type");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("trained_by", "cryosiam for the JVM, train_demo_models (embeddings)");
        config.put("parameters", parameters(n, SUBTOMOGRAM));
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("config", config);
        Augment.Spec views = new Augment.Spec(new double[] {0.1, 0.6}, null, null, new double[] {0.01, 0.1}, false,
                true, 0.2, null, null, new double[] {0, 0, Math.PI});
        SimSiamTrainer.Settings s = new SimSiamTrainer.Settings(0.01, 1e-4, EMBEDDING_BATCH, settings.embeddingEpochs(), 0, 1,
                views, settings.seed());
        List<Double> losses;
        Map<String, Tensor> sd;
        try (Network net = Networks.randomSimSiam(config, device, settings.seed())) {
            losses = new SimSiamTrainer(s, net).run(cubes, SUBTOMOGRAM, log);
            sd = TaskModel.stateDict(net, Map.of());
        }
        CheckpointWriter.write(models.resolve("embeddings.ckpt"), CheckpointWriter.lightning(sd, hp,
                settings.embeddingEpochs() - 1, (long) settings.embeddingEpochs() * (cubes.size() / EMBEDDING_BATCH), List.of(),
                List.of(), Map.of()));
        return String.format(Locale.ROOT, "embeddings: %d subtomograms, %d epochs, loss %.4f → %.4f, %.1f min",
                cubes.size(), losses.size(), losses.get(0), losses.get(losses.size() - 1),
                (System.nanoTime() - t0) / 60e9);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castNetwork(Map<String, Object> config) {
        return (Map<String, Object>) ((Map<String, Object>) config.get("parameters")).get("network");
    }
}
