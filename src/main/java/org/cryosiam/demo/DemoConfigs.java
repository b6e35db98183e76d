package org.cryosiam.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The YAML configs the demo runs: the keys of the reference documentation (the same files a user writes for the
 * Python tool), with absolute paths into the demo folder so that they run from any directory. The data values (32³
 * patches, the denoised tomogram scaled to 0..1) are those the demo models were trained with ({@link DemoTraining});
 * they are also those of the fixtures' configs, so the fixture models run here too.
 */
public final class DemoConfigs {
    /** Sliding-window patch of the dense models and the subtomogram size of the embedding model. */
    static final int DENSE_PATCH = 32;
    static final int EMBEDDING_PATCH = 16;

    private DemoConfigs() {
    }

    /** File name → YAML text, in the order the demo uses them. */
    public static Map<String, String> all(Path dir, Path models) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("denoise.yaml", denoise(dir, models));
        c.put("lamella.yaml", lamella(dir, models));
        c.put("semantic.yaml", semantic(dir, models));
        c.put("particles.yaml", particles(dir, models));
        c.put("instance.yaml", instance(dir, models));
        c.put("embeddings.yaml", embeddings(dir, models));
        return c;
    }

    private static String header(String commands) {
        return "# Written by `cryosiam demo`; the same keys as the CryoSiam documentation. Run with:\n"
                + commands + "# Copy it, change the paths and the model to use it on your own tomograms.\n";
    }

    private static String data(int batch) {
        return """
                parameters:
                  data:
                    patch_size: [%1$d, %1$d, %1$d]
                    min: 0
                    max: 1
                    mean: 0
                    std: 1
                  network:
                    in_channels: 1
                    spatial_dims: 3
                """.formatted(DENSE_PATCH) + "%s" + "hyper_parameters:\n  batch_size: " + batch + "\n";
    }

    static String denoise(Path dir, Path models) {
        return denoise(dir.resolve("tomograms"), out(dir, "denoised"), models.resolve("denoise.ckpt"), true);
    }

    /** The denoising config on any folder of tomograms (also used to denoise the training phantoms). */
    static String denoise(Path tomograms, Path predictions, Path model, boolean saveRaw) {
        return header("#   cryosiam denoise_predict --config_file denoise.yaml\n") + """
                data_folder: %s
                prediction_folder: %s
                trained_model: %s
                file_extension: .mrc
                test_files: null
                save_raw_predictions: %s
                scale_prediction: true
                """.formatted(q(tomograms), q(predictions), q(model), saveRaw) + data(4).formatted("");
    }

    static String lamella(Path dir, Path models) {
        return header("#   cryosiam semantic_predict --config_file lamella.yaml\n") + """
                data_folder: %s
                prediction_folder: %s
                trained_model: %s
                file_extension: .mrc
                test_files: null
                save_internal_files: false
                """.formatted(q(out(dir, "denoised")), q(out(dir, "lamella")), q(models.resolve("lamella.ckpt")))
                + data(4).formatted("""
                    threshold: 0.5
                    postprocessing: true
                    3d_postprocessing: false
                """);
    }

    /** The input block of a dense step on the denoised tomograms, masked by the lamella prediction. */
    private static String maskedDense(Path dir, String step, Path models) {
        return """
                data_folder: %s
                mask_folder: %s
                prediction_folder: %s
                trained_model: %s
                file_extension: .mrc
                test_files: null
                """.formatted(q(out(dir, "denoised")), q(out(dir, "lamella")), q(out(dir, step)),
                q(models.resolve(step + ".ckpt")));
    }

    static String semantic(Path dir, Path models) {
        return header("#   cryosiam semantic_predict --config_file semantic.yaml\n"
                + "#   cryosiam semantic_postprocessing --config_file semantic.yaml\n") + maskedDense(dir, "semantic", models)
                + data(4).formatted("""
                    threshold: 0.3
                    # semantic_postprocessing: per class, remove components of at most this many voxels (-1: keep)
                    postprocessing_sizes: [-1, 40, -1, 15]
                """);
    }

    static String particles(Path dir, Path models) {
        return header("#   cryosiam semantic_predict --config_file particles.yaml\n"
                + "#   cryosiam semantic_to_centers --config_file particles.yaml\n") + maskedDense(dir, "particles", models)
                + data(4).formatted("""
                    out_channels: 4
                    threshold: 0.3
                    min_voxels: 5
                """);
    }

    static String instance(Path dir, Path models) {
        return header("#   cryosiam instance_predict --config_file instance.yaml\n"
                + "#   cryosiam instance_filter --config_file instance.yaml\n") + maskedDense(dir, "instance", models)
                + """
                save_raw_predictions: true
                semantic_predictions: null
                # instance_filter keeps the instances touching (within 2 voxels) the particle classes of the
                # semantic segmentation; it writes <prediction_folder>_filtered
                filtering_mask_folder: %s
                filtering_mask_expand_voxels: 2
                filtering_mask_labels: [2, 3]
                """.formatted(q(out(dir, "semantic")))
                + data(4).formatted("""
                    threshold_foreground: 0.3
                    boundary_bias: 0.8
                    min_center_distance: 0
                    max_center_distance: 2
                    distance_type: 1
                    postprocessing: false
                """);
    }

    static String embeddings(Path dir, Path models) {
        return header("#   cryosiam simsiam_embeddings_predict --config_file embeddings.yaml\n"
                + "#   cryosiam simsiam_embeddings_kmeans_clustering --config_file embeddings.yaml\n"
                + "#   cryosiam simsiam_visualize_embeddings --config_file embeddings.yaml\n") + """
                data_folder: %s
                instances_mask_folder: %s
                prediction_folder: %s
                trained_model: %s
                contrastive: true
                file_extension: .mrc
                test_files: null
                clustering_files: null
                visualization_files: null
                min_particle_size: 10
                max_particle_size: null
                masking_type: 1
                expand_labels: 1
                clustering_kmeans:
                  num_clusters: 2
                  visualization: false
                clustering_spectral:
                  num_clusters: 2
                  estimate_num_clusters: false
                  visualization: false
                visualization:
                  prediction_folder: %s
                  distance: euclidean
                  pca_components: null
                  # colour the plot by the k-means cluster (semantic_class of the clustered table)
                  visualization_suffix: instance_regions_kmeans_clustered.csv
                  visualize_umap: true
                  3d_umap: false
                parameters:
                  data:
                    patch_size: [%d, %d, %d]
                    patch_overlap: null
                    min: 0
                    max: 1
                    mean: 0
                    std: 1
                  network:
                    spatial_dims: 3
                    in_channels: 1
                    dim: 32
                hyper_parameters:
                  batch_size: 16
                """.formatted(q(out(dir, "denoised")), q(out(dir, "instance_filtered")), q(out(dir, "embeds")),
                q(models.resolve("embeddings.ckpt")), q(out(dir, "embeds").resolve("vis")),
                EMBEDDING_PATCH, EMBEDDING_PATCH, EMBEDDING_PATCH);
    }

    static Path out(Path dir, String name) {
        return dir.resolve("out").resolve(name);
    }

    /** A YAML single-quoted scalar (a quote doubled), safe for any path. */
    static String q(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
