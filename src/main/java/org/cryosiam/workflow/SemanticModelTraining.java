package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.config.Config;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.Network;
import org.cryosiam.train.Augment;
import org.cryosiam.train.Optimizer;
import org.cryosiam.train.Sample;
import org.cryosiam.train.SemanticTraining;
import org.cryosiam.train.TaskModel;
import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingData;
import org.cryosiam.train.TrainingTask;
import org.cryosiam.train.listener.Listeners;
import org.cryosiam.zoo.ModelResolver;
import org.yaml.snakeyaml.Yaml;

import ai.djl.Device;

/** {@code semantic_train}: fine-tune a semantic model from the pretrained DenseSimSiam backbone. */
public final class SemanticModelTraining {
    public static final String NAME = "semantic_train";

    /**
     * The step with {@code seed} for the split, shuffling, augmentation and the heads' initial weights, stopped after
     * epoch {@code stopAfter} as if interrupted (null: trained to the end; for testing {@code continue_training}).
     */
    public static Step step(long seed, Integer stopAfter) {
        return Step.of(NAME, (cfg, run) -> new SemanticModelTraining(Settings.from(cfg), seed, stopAfter, run).run())
                .wholeFolder().writing(cfg -> Step.folders(cfg, "log_dir"));
    }

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the split, the patches, the model and the training settings
     */
    public record Settings(Config config, Path logDir, Path patches, String ext) {
        public static Settings from(Config cfg) {
            Path logDir = cfg.path("log_dir");
            Path patches = cfg.path("patches_folder");
            String ext = cfg.string("file_extension");
            return new Settings(cfg, logDir, patches, ext);
        }
    }

    private final Settings settings;
    private final long seed;
    private final Integer stopAfter;
    private final StepRun run;

    public SemanticModelTraining(Settings settings, long seed, Integer stopAfter, StepRun run) {
        this.settings = settings;
        this.seed = seed;
        this.stopAfter = stopAfter;
        this.run = run;
    }

    public void run() throws Exception {
        Config cfg = settings.config();
        Path logDir = settings.logDir();
        Path patches = settings.patches();
        String ext = settings.ext();
        Files.createDirectories(logDir.resolve("model"));
        Map<String, List<String>> split = split(cfg, logDir);
        int classes = cfg.integer("parameters.network.out_channels");
        double min = cfg.number("parameters.data.min", 0);
        double max = cfg.number("parameters.data.max", 1);
        if (!(max > min)) {
            throw new CryosiamUserException(cfg.source() + ": parameters.data.max must be above parameters.data.min");
        }
        List<Sample> train = samples(cfg, patches, split.get("train_files"), ext, min, max, classes);
        List<Sample> val = samples(cfg, patches, split.get("val_files"), ext, min, max, classes);
        run.log().info(train.size() + " training and " + val.size() + " validation patches");
        Trainer.Settings training = settings(cfg, classes, seed);

        Device device = Devices.chosen(run.context().device());
        ModelResolver.Resolved pretrainedModel = ModelResolver.resolve(cfg, "pretrained_model", run.context().record()); // a path or a zoo name
        Checkpoint pretrained = Checkpoint.load(pretrainedModel.file());
        ModelResolver.accepted(pretrainedModel, ModelKind.of(pretrained.stateDict().keySet()),
                Devices.name(device), run.context().record());
        Map<String, Object> hp = TaskModel.hyperParameters(cfg.asMap(), TaskModel.backboneConfig(pretrained));
        Map<String, Tensor> sd;
        Trainer.Resume resume = Trainer.Resume.fresh();
        Path last = logDir.resolve("model").resolve("last.ckpt");
        if (cfg.bool("continue_training", false)) {
            Checkpoint c = Checkpoint.load(last);
            sd = c.stateDict();
            resume = resume(c);
            run.log().info("continuing from " + last + " at epoch " + (resume.startEpoch() + 1) + ", step "
                    + resume.globalStep());
        } else {
            sd = TaskModel.initialStateDict(pretrained, cfg.asMap(), seed);
        }
        Map<String, Tensor> carried = new LinkedHashMap<>(sd);
        try (Network net = TaskModel.buildSemantic(pretrainedModel.file().toString(), sd, hp, device)) {
            Trainer t = new Trainer(training, net).listeners(Listeners.defaults(logDir, hp, carried,
                    run.log()::info, run.context().progress(), run.outputs()));
            if (stopAfter != null) {
                t.stopAfter(stopAfter);
            }
            t.run(train, val, resume);
        }
        run.log().info("wrote " + last + ", " + logDir.resolve("metrics.csv") + " and "
                + logDir.resolve("loss_curves.png"));
    }

    /** The settings of {@code parameters} and {@code hyper_parameters}. */
    public static Trainer.Settings settings(Config cfg, int classes, long seed) {
        Trainer.Freeze freeze = cfg.bool("parameters.network.unfreeze_backbone", false) ? Trainer.Freeze.NONE
                : cfg.bool("parameters.network.unfreeze_decoder", false) ? Trainer.Freeze.ENCODER
                : Trainer.Freeze.BACKBONE;
        Augment.Spec aug = new Augment.Spec(range(cfg, "low_pass_sigma_range"), range(cfg, "high_pass_sigma_range"),
                range(cfg, "high_pass_sigma2_range"), range(cfg, "noise_sigma_range"),
                cfg.bool("parameters.transforms.combine_transforms", false),
                cfg.bool("parameters.transforms.flip", false),
                cfg.has("parameters.transforms.scale_intensity_factors")
                        ? cfg.number("parameters.transforms.scale_intensity_factors") : null,
                range(cfg, "elastic"), range(cfg, "zoom"), rotate(cfg));
        if (aug.zoom() != null && !(aug.zoom()[0] > 0)) {
            throw new CryosiamUserException(cfg.source() + ": parameters.transforms.zoom must be positive, found "
                    + aug.zoom()[0]);
        }
        if (aug.highPass() != null && aug.highPass2() == null) {
            throw new CryosiamUserException(cfg.source() + ": high_pass_sigma_range needs high_pass_sigma2_range");
        }
        double std = cfg.number("parameters.data.std", 1);
        if (std == 0) {
            throw new CryosiamUserException(cfg.source() + ": parameters.data.std is 0");
        }
        int valInterval = cfg.integer("hyper_parameters.val_interval", 1);
        if (valInterval < 1) {
            throw new CryosiamUserException(cfg.source() + ": hyper_parameters.val_interval must be at least 1");
        }
        TrainingTask task = new SemanticTraining(cfg.bool("parameters.network.use_dice_loss", false),
                cfg.bool("parameters.network.distance_prediction", false));
        Trainer.Optimization optimization = new Trainer.Optimization(
                Optimizer.Kind.parse(cfg.string("hyper_parameters.optimizer", "adamw")),
                cfg.number("hyper_parameters.lr"), cfg.number("hyper_parameters.momentum", 0.9),
                cfg.number("hyper_parameters.weight_decay", 0));
        Trainer.Schedule schedule = new Trainer.Schedule(cfg.integer("hyper_parameters.batch_size"),
                cfg.integer("hyper_parameters.max_epochs"), valInterval);
        return new Trainer.Settings(task, freeze, optimization, schedule,
                new Trainer.Data(classes, cfg.number("parameters.data.mean", 0), std, aug), seed);
    }

    private static double[] range(Config cfg, String key) {
        String k = "parameters.transforms." + key;
        if (!cfg.has(k)) {
            return null;
        }
        List<Double> l = cfg.numberList(k);
        if (l.size() != 2 || l.get(0) > l.get(1)) {
            throw new CryosiamUserException(cfg.source() + ": " + k + " must be [low, high], found " + l);
        }
        return new double[] {l.get(0), l.get(1)};
    }

    /** {@code rotate: [a0, a1, a2]}, the maximum angles (radians) about axes z, y, x (MONAI range_x/y/z). */
    private static double[] rotate(Config cfg) {
        String k = "parameters.transforms.rotate";
        if (!cfg.has(k)) {
            return null;
        }
        List<Double> l = cfg.numberList(k);
        if (l.size() != 3) {
            throw new CryosiamUserException(cfg.source() + ": " + k + " must be [a0, a1, a2] (radians), found " + l);
        }
        return new double[] {l.get(0), l.get(1), l.get(2)};
    }

    private static Trainer.Resume resume(Checkpoint c) {
        Object epoch = c.get("epoch");
        Object step = c.get("global_step");
        if (!(epoch instanceof Number e) || !(step instanceof Number s)) {
            throw new CryosiamUserException(c.file() + ": no epoch/global_step, cannot continue training from it");
        }
        Map<?, ?> opt = null;
        if (c.get("optimizer_states") instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> m) {
            opt = m;
        }
        double best = Double.POSITIVE_INFINITY;
        if (c.get("callbacks") instanceof Map<?, ?> cb) {
            for (Object v : cb.values()) {
                if (v instanceof Map<?, ?> mc && mc.get("best_model_score") instanceof Number n) {
                    best = n.doubleValue();
                } else if (v instanceof Map<?, ?> mc && mc.get("best_model_score") instanceof Tensor t) {
                    best = t.toDoubleArray()[0];
                }
            }
        }
        return new Trainer.Resume(e.intValue() + 1, s.longValue(), best, opt);
    }

    /**
     * The tomogram split, kept in {@code log_dir/train_val_split.yaml} so that a continued run uses the same one:
     * {@code train_files} (default: every file of {@code data_folder}) and {@code val_files}, or the last
     * {@code ceil(n·validation_ratio)} of the files shuffled with the seed.
     */
    private Map<String, List<String>> split(Config cfg, Path logDir) throws IOException {
        Path f = logDir.resolve("train_val_split.yaml");
        Yaml yaml = new Yaml();
        if (Files.isRegularFile(f)) {
            Config saved = Config.load(f);
            Map<String, List<String>> out = new LinkedHashMap<>();
            out.put("train_files", saved.stringListOrNull("train_files"));
            out.put("val_files", saved.stringListOrNull("val_files"));
            if (out.get("train_files") != null && out.get("val_files") != null) {
                return out;
            }
        }
        String ext = cfg.string("file_extension");
        List<String> files = cfg.stringListOrNull("train_files");
        if (files == null) {
            files = org.cryosiam.io.InputFiles.select(cfg.path("data_folder"), ext, null, null);
        }
        List<String> val = cfg.stringListOrNull("val_files");
        List<String> train = new ArrayList<>(files);
        if (val == null) {
            Collections.shuffle(train, new Random(seed));
            double ratio = cfg.number("validation_ratio", 0.1);
            int nVal = (int) Math.ceil(train.size() * ratio);
            if (nVal >= train.size() || nVal < 1) {
                throw new CryosiamUserException(cfg.source() + ": validation_ratio " + ratio + " leaves no training "
                        + "or no validation tomogram among " + train.size());
            }
            val = new ArrayList<>(train.subList(train.size() - nVal, train.size()));
            train = new ArrayList<>(train.subList(0, train.size() - nVal));
            Collections.sort(train);
            Collections.sort(val);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("train_files", train);
        out.put("val_files", val);
        String text = yaml.dump(out);
        AtomicFile.write(f, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8), run.outputs());
        return out;
    }

    private static List<Sample> samples(Config cfg, Path patches, List<String> files, String ext, double min,
            double max, int classes) {
        List<Sample> out = new ArrayList<>();
        for (String file : files) {
            String stem = TrainingFiles.stem(cfg, file);
            for (String name : TrainingData.patchNames(patches, stem, ext)) {
                out.add(TrainingData.readPatch(patches, name, ext, min, max, classes));
            }
        }
        return out;
    }
}
