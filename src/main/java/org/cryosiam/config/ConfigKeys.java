package org.cryosiam.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys of the reference's configs, to tell the user about keys that do nothing here: a misspelled key is
 * otherwise silently replaced by its default ({@code pach_size} → the checkpoint's patch size). Keys are checked
 * against the union over all commands, since one config often serves several steps.
 */
public final class ConfigKeys {
    /** Sections whose keys are checked one level further down. */
    private static final Set<String> SECTIONS = Set.of("parameters", "parameters.data", "parameters.network",
            "parameters.transforms", "hyper_parameters", "instances", "clustering_kmeans", "clustering_spectral",
            "visualization");

    /** Every key (dotted path) the reference's configs use and this tool reads or accepts. */
    private static final Set<String> KNOWN = Set.of(
            "data_folder", "prediction_folder", "trained_model", "pretrained_model", "file_extension", "test_files",
            "train_files", "val_files", "validation_ratio", "save_raw_predictions", "save_internal_files",
            "save_original_file_extension", "scale_prediction", "save_float16", "star_format", "pixel_size",
            "voltage", "spherical_aberration", "amplitude_contrast", "mask_folder", "log_dir", "patches_folder",
            "temp_dir", "labels_folder", "labels_folder_for_filtering", "selected_labels", "continue_training",
            "semantic_predictions", "semantic_foreground_labels", "filtering_mask_folder",
            "filtering_mask_extension", "filtering_mask_labels", "filtering_mask_expand_voxels",
            "instances_mask_folder", "masking_type", "expand_labels", "min_particle_size", "max_particle_size",
            "centers_file", "centers_patch_size", "clustering_files", "visualization_files", "contrastive",
            "instances", "instances.min_center_distance", "instances.max_center_distance",
            "clustering_kmeans", "clustering_kmeans.num_clusters", "clustering_kmeans.visualization",
            "clustering_spectral", "clustering_spectral.num_clusters", "clustering_spectral.visualization",
            "clustering_spectral.estimate_num_clusters",
            "visualization", "visualization.prediction_folder", "visualization.visualize_umap",
            "visualization.3d_umap", "visualization.distance", "visualization.pca_components",
            "visualization.visualization_suffix",
            "parameters", "parameters.data", "parameters.network", "parameters.transforms",
            "parameters.data.patch_size", "parameters.data.patch_overlap", "parameters.data.min",
            "parameters.data.max", "parameters.data.mean", "parameters.data.std",
            "parameters.data.remove_only_background",
            "parameters.network.in_channels", "parameters.network.spatial_dims", "parameters.network.out_channels",
            "parameters.network.dense_dim", "parameters.network.dim", "parameters.network.pred_dim",
            "parameters.network.filters", "parameters.network.kernel_size", "parameters.network.padding",
            "parameters.network.threshold", "parameters.network.threshold_foreground",
            "parameters.network.distance_prediction", "parameters.network.distance_type",
            "parameters.network.use_dice_loss", "parameters.network.unfreeze_decoder",
            "parameters.network.unfreeze_backbone", "parameters.network.postprocessing",
            "parameters.network.3d_postprocessing", "parameters.network.postprocessing_sizes",
            "parameters.network.min_voxels", "parameters.network.boundary_bias",
            "parameters.network.min_center_distance", "parameters.network.max_center_distance",
            "parameters.network.block_type", "parameters.network.num_layers", "parameters.network.num_filters",
            "parameters.network.fpn_channels", "parameters.network.no_max_pool",
            "parameters.network.n_output_channels", "parameters.network.loss_type",
            "parameters.network.decoder_type", "parameters.network.dense_pred_dim",
            "parameters.network.add_fpn_later_conv", "parameters.network.include_levels_loss",
            "parameters.transforms.low_pass_sigma_range", "parameters.transforms.high_pass_sigma_range",
            "parameters.transforms.high_pass_sigma2_range", "parameters.transforms.noise_sigma_range",
            "parameters.transforms.combine_transforms", "parameters.transforms.scale_intensity_factors",
            "parameters.transforms.elastic", "parameters.transforms.zoom", "parameters.transforms.rotate",
            "parameters.transforms.flip",
            "hyper_parameters", "hyper_parameters.batch_size", "hyper_parameters.lr",
            "hyper_parameters.max_epochs", "hyper_parameters.val_interval", "hyper_parameters.momentum",
            "hyper_parameters.optimizer", "hyper_parameters.weight_decay",
            "copick_config", "copick_voxel_spacing", "copick_tomo_type", "copick_user_id", "copick_session_id",
            "copick_segmentation_name", "copick_object");

    /** Keys the Python tool reads that this tool deliberately ignores (GPU/cluster set-up, evaluation, noisy input). */
    private static final Set<String> IGNORED = Set.of("parameters.gpu_devices", "parameters.nodes",
            "hyper_parameters.cache_rate", "noisy_data_folder", "parameters.transforms.use_noisy_input",
            "gt_folder", "eval_skip_prediction", "instance_labels_folder", "filtered_labels_folder");

    private ConfigKeys() {
    }

    /** What {@link #check} found. */
    public record Report(List<String> warnings, List<String> ignored) {
    }

    /**
     * One warning per unknown key (with the nearest known key when one is close), and the ignored keys that are set
     * (a null or false value asks for nothing and is not listed).
     */
    public static Report check(Config cfg) {
        List<String> warnings = new ArrayList<>();
        for (Config.DuplicateKey d : cfg.duplicateKeys()) {
            warnings.add(cfg.source() + ": " + d.key() + " is given twice, at lines " + d.first() + " and " + d.last()
                    + "; the value at line " + d.last() + " is used (as the Python tool does).");
        }
        Set<String> ignored = new TreeSet<>();
        walk(cfg.asMap(), "", cfg.source(), warnings, ignored);
        return new Report(warnings, new ArrayList<>(ignored));
    }

    private static void walk(Map<?, ?> map, String prefix, String source, List<String> warnings, Set<String> ignored) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            String path = prefix + key;
            Object value = e.getValue();
            if (IGNORED.contains(path)) {
                if (value != null && !Boolean.FALSE.equals(value)) {
                    ignored.add(key);
                }
            } else if (!KNOWN.contains(path)) {
                String near = nearest(path);
                warnings.add(source + ": unknown key '" + path + "' is ignored"
                        + (near == null ? "." : " (did you mean " + near + "?)."));
            } else if (SECTIONS.contains(path) && value instanceof Map<?, ?> m) {
                walk(m, path + ".", source, warnings, ignored);
            }
        }
    }

    /** The known key closest to {@code path} by edit distance of the last name, same section first; null if none is close. */
    static String nearest(String path) {
        String name = last(path);
        String parent = path.substring(0, path.length() - name.length());
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(KNOWN)) {
            int d = editDistance(name.toLowerCase(), last(k).toLowerCase());
            int score = 2 * d + (k.startsWith(parent) && k.indexOf('.', parent.length()) < 0 ? 0 : 1);
            if (score < bestScore) {
                bestScore = score;
                best = k;
            }
        }
        int limit = Math.max(2, name.length() / 3);
        if (best == null || bestScore / 2 > limit) {
            return null;
        }
        // the same section: name the key as the user writes it there; elsewhere: its full path
        return best.startsWith(parent) && best.indexOf('.', parent.length()) < 0 ? last(best) : best;
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** Levenshtein distance. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
