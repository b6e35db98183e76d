package org.cryosiam.zoo;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.cryosiam.checkpoint.ModelKind;

/** The catalogue of the eleven published CryoSiam 1.0 models (spec/checkpoints.md). */
public final class Zoo {
    /** Where the published files are: {@code <base>/<file>}. */
    public static final String DEFAULT_URL = "https://huggingface.co/frosinastojanovska/cryosiam_v1.0/resolve/main";

    private static final List<ZooModel> MODELS = List.of(
            new ZooModel("cryosiam_denoising", "denoising", List.of("denoise_predict"),
                    "Denoises tomograms (DenseSimSiam backbone + CNN head).", ModelKind.DENOISING, null),
            new ZooModel("cryosiam_lamella", "lamella mask (1 class)", List.of("semantic_predict"),
                    "Masks the lamella, to restrict the other predictions to it.", ModelKind.SEMANTIC, null),
            new ZooModel("cryosiam_semantic_segmentation", "multi-class semantic", List.of("semantic_predict"),
                    "Semantic segmentation into several cellular classes.", ModelKind.SEMANTIC, null),
            new ZooModel("cryosiam_ribosome_segmentation", "ribosome semantic", List.of("semantic_predict"),
                    "Semantic segmentation of ribosomes.", ModelKind.SEMANTIC, null),
            new ZooModel("cryosiam_semantic_myco_candidates", "particle candidates",
                    List.of("semantic_predict", "semantic_to_centers"),
                    "Particle candidates, turned into particle centres by semantic_to_centers.", ModelKind.SEMANTIC,
                    null),
            new ZooModel("cryosiam_instance", "instances", List.of("instance_predict"),
                    "Instance segmentation (foreground, distances, boundaries).", ModelKind.INSTANCE, null),
            new ZooModel("cryosiam_instance_convex_hull", "instances (hull variant)", List.of("instance_predict"),
                    "Instance segmentation, the convex-hull variant.", ModelKind.INSTANCE, null),
            new ZooModel("dense_simsiam_pretrained", "self-supervised backbone",
                    List.of("semantic_train (pretrained_model)"),
                    "The self-supervised DenseSimSiam backbone to train new dense models from.",
                    ModelKind.DENSE_BACKBONE, null),
            new ZooModel("simsiam_embeds_denoised_convex_hull", "embeddings, masking_type 1",
                    List.of("simsiam_embeddings_predict"),
                    "Subtomogram embeddings of denoised tomograms, patches masked by the instance's convex hull.",
                    ModelKind.EMBEDDING, 1),
            new ZooModel("simsiam_embeds_denoised_no_masking", "embeddings, masking_type 0",
                    List.of("simsiam_embeddings_predict", "simsiam_embeddings_from_centers_predict"),
                    "Subtomogram embeddings of denoised tomograms, unmasked patches (the one for centres).",
                    ModelKind.EMBEDDING, 0),
            new ZooModel("simsiam_embeds_denoised_strict", "embeddings, masking_type 2",
                    List.of("simsiam_embeddings_predict"),
                    "Subtomogram embeddings of denoised tomograms, patches masked strictly by the instance.",
                    ModelKind.EMBEDDING, 2));

    private Zoo() {
    }

    public static List<ZooModel> all() {
        return MODELS;
    }

    /** The model called {@code nameOrFile} ({@code cryosiam_denoising} or {@code cryosiam_denoising.ckpt}). */
    public static Optional<ZooModel> find(String nameOrFile) {
        if (nameOrFile == null) {
            return Optional.empty();
        }
        String n = nameOrFile.endsWith(".ckpt") ? nameOrFile.substring(0, nameOrFile.length() - 5) : nameOrFile;
        return MODELS.stream().filter(m -> m.name().equals(n)).findFirst();
    }

    /**
     * What to say of a name that is no published model: the closest name (by edit distance, or one that contains
     * it), and where the list is.
     */
    public static String unknownName(String name) {
        String n = name.endsWith(".ckpt") ? name.substring(0, name.length() - 5) : name;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = n.toLowerCase(java.util.Locale.ROOT);
        for (ZooModel m : MODELS) {
            // the whole name, or its start as long as what was typed (a name cut short or mistyped on the way)
            String start = m.name().substring(0, Math.min(m.name().length(), lower.length()));
            int d = Math.min(org.cryosiam.config.ConfigKeys.editDistance(lower, m.name()),
                    org.cryosiam.config.ConfigKeys.editDistance(lower, start) + 1);
            if (d < bestDistance) {
                bestDistance = d;
                best = m.name();
            }
        }
        if (bestDistance > Math.max(2, n.length() / 6)) { // names share long prefixes: few edits only
            best = lower.length() < 4 ? null : MODELS.stream().map(ZooModel::name).filter(m -> m.contains(lower))
                    .findFirst().orElse(null);
        }
        return "no published model is called '" + name + "'" + (best == null ? "" : "; did you mean " + best + "?")
                + " (`cryosiam models list` shows them all)";
    }

    /** The names, comma-separated (for messages). */
    public static String names() {
        return MODELS.stream().map(ZooModel::name).collect(Collectors.joining(", "));
    }

    /** The published models of one kind, comma-separated (for messages); empty when none. */
    public static String namesOfKind(ModelKind kind) {
        return MODELS.stream().filter(m -> m.kind() == kind).map(ZooModel::name).collect(Collectors.joining(", "));
    }

    /** The embedding model trained with {@code maskingType}, if any. */
    public static Optional<ZooModel> embeddingForMasking(int maskingType) {
        return MODELS.stream().filter(m -> m.maskingType() != null && m.maskingType() == maskingType).findFirst();
    }

    /** The download base URL: system property {@code cryosiam.models.url}, else env {@code CRYOSIAM_MODELS_URL}, else huggingface. */
    public static String baseUrl() {
        String s = System.getProperty("cryosiam.models.url");
        if (s == null || s.isBlank()) {
            s = System.getenv("CRYOSIAM_MODELS_URL");
        }
        if (s == null || s.isBlank()) {
            s = DEFAULT_URL;
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    public static String url(ZooModel m) {
        return baseUrl() + "/" + m.file();
    }
}
