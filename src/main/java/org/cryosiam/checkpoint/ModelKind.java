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

    public static ModelKind of(Set<String> keys) {
        if (keys.stream().anyMatch(k -> k.startsWith("_model.cnn_head."))) {
            return DENOISING;
        }
        if (keys.stream().anyMatch(k -> k.startsWith("_model.semantic_head."))) {
            return SEMANTIC;
        }
        if (keys.stream().anyMatch(k -> k.startsWith("_model.foreground_head."))) {
            return INSTANCE;
        }
        if (keys.stream().anyMatch(k -> k.startsWith("_model.decoder."))) {
            return DENSE_BACKBONE;
        }
        if (keys.stream().anyMatch(k -> k.startsWith("_model.encoder.")) && keys.contains("_model.predictor.0.weight")) {
            return EMBEDDING;
        }
        return UNKNOWN;
    }
}
