package org.cryosiam.zoo;

import java.util.List;

import org.cryosiam.checkpoint.ModelKind;

/**
 * One published CryoSiam model (spec/checkpoints.md, table).
 *
 * @param name        the zoo name: the file name without {@code .ckpt}
 * @param task        what it predicts, in a few words
 * @param commands    the commands that use it (with the config key when it is not {@code trained_model})
 * @param description one line for {@code cryosiam models list}
 * @param kind        what {@link ModelKind#of} must say about its tensors
 * @param maskingType for embedding models, the {@code masking_type} it was trained with; else null
 */
public record ZooModel(String name, String task, List<String> commands, String description, ModelKind kind,
        Integer maskingType) {
    /** The published file name, e.g. {@code cryosiam_denoising.ckpt}. */
    public String file() {
        return name + ".ckpt";
    }
}
