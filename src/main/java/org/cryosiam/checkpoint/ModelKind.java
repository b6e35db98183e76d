package org.cryosiam.checkpoint;

import java.util.Set;

/** What a CryoSiam checkpoint holds, told by the names of its tensors (the published models differ in their heads). */
public enum ModelKind {
    DENOISING("denoising (DenseSimSiam backbone + CNN head)", "denoise_predict"),
    SEMANTIC("semantic segmentation (DenseSimSiam backbone + semantic heads)", "semantic_predict"),
    INSTANCE("instance segmentation (DenseSimSiam backbone + instance heads)", "instance_predict"),
    DENSE_BACKBONE("self-supervised DenseSimSiam backbone", "semantic_train"),
    EMBEDDING("subtomogram embeddings (SimSiam)", "simsiam_embeddings_predict"),
    UNKNOWN("unknown network", "");

    private final String description;
    private final String command;

    ModelKind(String description, String command) {
        this.description = description;
        this.command = command;
    }

    public String description() {
        return description;
    }

    /** The command that uses this kind of model. */
    public String command() {
        return command;
    }

    /**
     * The kind told by the tensor names: a {@code _model_backbone.*} backbone with a known head under
     * {@code _model.*}; a SimSiam ({@code _model.encoder.fc.0.weight}); a DenseSimSiam alone; else UNKNOWN.
     */
    public static ModelKind of(Set<String> keys) {
        if (keys.stream().anyMatch(k -> k.startsWith("_model_backbone."))) {
            if (hasPrefix(keys, "_model.cnn_head.")) {
                return DENOISING;
            }
            if (hasPrefix(keys, "_model.semantic_head.")) {
                return SEMANTIC;
            }
            if (hasPrefix(keys, "_model.foreground_head.")) {
                return INSTANCE;
            }
            return UNKNOWN;
        }
        if (keys.contains("_model.encoder.fc.0.weight")) {
            return EMBEDDING;
        }
        if (hasPrefix(keys, "_model.projector.") || hasPrefix(keys, "_model.decoder.")) {
            return DENSE_BACKBONE;
        }
        return UNKNOWN;
    }

    private static boolean hasPrefix(Set<String> keys, String prefix) {
        return keys.stream().anyMatch(k -> k.startsWith(prefix));
    }
}
