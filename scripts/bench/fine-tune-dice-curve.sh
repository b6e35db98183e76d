#!/usr/bin/env bash
# Issue 26's fine-tuning case (pipeline_small's denoised TS_01 and TS_02, 4 classes, 32^3 patches, the reference's
# augmentations, AdamW lr 0.001, 10 epochs from dense_simsiam_pretrained) and the Dice of classes 1-3 of
# semantic_predict's labels against truth/labels on the validation tomogram TS_02 after 0, 1, 5 and 10 epochs.
# Epoch 0 is the fresh heads (one epoch at lr 0: only the BatchNorm statistics move); 1, 5 and 10 are one run,
# interrupted with --stop_after_epochs and continued from last.ckpt (the same curve as an uninterrupted run).
#
#   scripts/bench/fine-tune-dice-curve.sh [WORK_DIR=a new temporary folder]
#
# Needs `mvn -q -DskipTests package`, the fixtures in ../shared/fixtures and Debian's python3-h5py and -mrcfile.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d -t cryosiam-dice-curve.XXXXXX)}"
f="$(cd "$root/../shared/fixtures/pipeline_small" && pwd)"
cs="$root/bin/cryosiam"
mkdir -p "$work/data" "$work/labels"
cp "$f"/expected/denoised/TS_0{1,2}.mrc "$work/data/"
cp "$f"/truth/labels/TS_0{1,2}.mrc "$work/labels/"

train_config() { # $1 log folder, $2 lr, $3 max_epochs, $4 continue_training
  cat <<YAML
data_folder: '$work/data'
labels_folder: '$work/labels'
noisy_data_folder: null
patches_folder: '$work/patches'
temp_dir: '$work/temp'
log_dir: '$work/$1'
prediction_folder: '$work/$1/pred'
pretrained_model: '$f/models/dense_simsiam_pretrained.ckpt'
file_extension: .mrc
train_files: [TS_01.mrc, TS_02.mrc]
val_files: [TS_02.mrc]
validation_ratio: 0.1
continue_training: $4
parameters:
  data: {patch_size: [32, 32, 32], patch_overlap: 0.5, remove_only_background: false, min: 0, max: 1, mean: 0, std: 1}
  transforms: {low_pass_sigma_range: [0.1, 0.6], high_pass_sigma_range: [0.1, 0.2], high_pass_sigma2_range: [4, 6],
    noise_sigma_range: [0.01, 0.05], combine_transforms: false, use_noisy_input: false, scale_intensity_factors: null,
    elastic: null, zoom: [0.8, 1.2], rotate: [3.14, 3.14, 3.14], flip: true}
  network: {in_channels: 1, spatial_dims: 3, out_channels: 4, dense_dim: 8, filters: [32, 64], kernel_size: 3,
    padding: 1, distance_prediction: true, use_dice_loss: true, unfreeze_decoder: true, unfreeze_backbone: true}
hyper_parameters: {val_interval: 1, batch_size: 2, optimizer: adamw, lr: $2, momentum: 0.9, weight_decay: 0.00001,
  max_epochs: $3}
YAML
}

dice() { # $1 model, $2 tag: semantic_predict on TS_02, then the Dice of classes 1..3
  cat > "$work/predict-$2.yaml" <<YAML
data_folder: '$work/data'
prediction_folder: '$work/pred-$2'
trained_model: '$1'
file_extension: .mrc
test_files: [TS_02.mrc]
parameters:
  data: {patch_size: [32, 32, 32], min: 0, max: 1, mean: 0, std: 1}
  network: {in_channels: 1, spatial_dims: 3, threshold: 0.5}
hyper_parameters: {batch_size: 2}
YAML
  "$cs" --quiet semantic_predict --config_file "$work/predict-$2.yaml"
  /usr/bin/python3 - "$work/pred-$2/TS_02_preds.h5" "$work/labels/TS_02.mrc" "$2" <<'PY'
import sys, h5py, mrcfile, numpy as np
p = h5py.File(sys.argv[1], 'r')['labels'][()]
t = mrcfile.read(sys.argv[2]).astype(int)
d = []
for k in (1, 2, 3):
    a, b = p == k, t == k
    d.append(2 * (a & b).sum() / max(a.sum() + b.sum(), 1))
print('epoch %s: Dice classes 1-3 %s, mean %.3f' % (sys.argv[3], ' '.join('%.3f' % x for x in d), np.mean(d)))
PY
}

train_config untrained 0.0 1 false > "$work/untrained.yaml"
"$cs" --quiet semantic_train_preprocess --config_file "$work/untrained.yaml"
"$cs" --quiet semantic_train_create_patches --config_file "$work/untrained.yaml"
"$cs" --quiet semantic_train --config_file "$work/untrained.yaml"
dice "$work/untrained/model/last.ckpt" 0

train_config run 0.001 10 false > "$work/run.yaml"
train_config run 0.001 10 true > "$work/run-continue.yaml"
"$cs" --quiet semantic_train --config_file "$work/run.yaml" --stop_after_epochs 1
dice "$work/run/model/last.ckpt" 1
"$cs" --quiet semantic_train --config_file "$work/run-continue.yaml" --stop_after_epochs 5
dice "$work/run/model/last.ckpt" 5
"$cs" --quiet semantic_train --config_file "$work/run-continue.yaml"
dice "$work/run/model/last.ckpt" 10
echo "metrics (epoch, train loss, validation loss):"
cut -d, -f1,4,7 "$work/run/metrics.csv"
