#!/usr/bin/env bash
# Runs issue 26's fine-tuning case of `semantic_train` (pipeline_small's denoised TS_01 and TS_02 for training, TS_02
# for validation, 32^3 patches, 4 classes, the reference's augmentations, 2 epochs at lr 0.001 from the
# dense_simsiam_pretrained model) N times in a row, each in a fresh log folder, and reports how many runs failed:
# a non-zero exit, or a non-finite number in metrics.csv. (Issue 20's intermittent crash in backward and issue 26's
# NaN fine-tuning.)
#
#   scripts/stress/semantic-train-repeat.sh [N=100] [WORK_DIR=a new temporary folder]
#
# Needs `mvn -q -DskipTests package` first and the fixtures in ../shared/fixtures. Prints one line per run and a
# summary; exits 1 if any run failed. The logs of failed runs are kept in WORK_DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-100}"
work="${2:-$(mktemp -d -t cryosiam-train-repeat.XXXXXX)}"
fixtures="$(cd "$root/../shared/fixtures/pipeline_small" && pwd)"
mkdir -p "$work"

config() { # $1: log folder
  cat <<YAML
data_folder: '$work/data'
labels_folder: '$work/labels'
noisy_data_folder: null
patches_folder: '$work/patches'
temp_dir: '$work/temp'
log_dir: '$1'
prediction_folder: '$1/pred'
pretrained_model: '$fixtures/models/dense_simsiam_pretrained.ckpt'
file_extension: '.mrc'
train_files: ['TS_01.mrc', 'TS_02.mrc']
val_files: ['TS_02.mrc']
validation_ratio: 0.1
continue_training: False
labels_folder_for_filtering: null
selected_labels: null
parameters:
  data: {patch_size: [32, 32, 32], patch_overlap: 0.5, remove_only_background: False, min: 0, max: 1, mean: 0, std: 1}
  transforms: {low_pass_sigma_range: [0.1, 0.6], high_pass_sigma_range: [0.1, 0.2], high_pass_sigma2_range: [4, 6], noise_sigma_range: [0.01, 0.05], combine_transforms: False, use_noisy_input: False, scale_intensity_factors: null, elastic: null, zoom: [0.8, 1.2], rotate: [3.14, 3.14, 3.14], flip: True}
  network: {in_channels: 1, spatial_dims: 3, out_channels: 4, dense_dim: 8, filters: [32, 64], kernel_size: 3, padding: 1, distance_prediction: True, use_dice_loss: True, unfreeze_decoder: True, unfreeze_backbone: True}
hyper_parameters: {val_interval: 1, batch_size: 2, optimizer: 'adamw', lr: 0.001, momentum: 0.9, weight_decay: 0.00001, max_epochs: 2}
YAML
}

mkdir -p "$work/data" "$work/labels"
cp "$fixtures"/expected/denoised/TS_0{1,2}.mrc "$work/data/"
cp "$fixtures"/truth/labels/TS_0{1,2}.mrc "$work/labels/"
config "$work/prep" > "$work/prep.yaml"
"$root/bin/cryosiam" --quiet semantic_train_preprocess --config_file "$work/prep.yaml"
"$root/bin/cryosiam" --quiet semantic_train_create_patches --config_file "$work/prep.yaml"

failed=0
start=$(date +%s)
for i in $(seq 1 "$n"); do
  run="$work/run-$i"
  config "$run" > "$run.yaml"
  t0=$(date +%s)
  if "$root/bin/cryosiam" --quiet --device cpu semantic_train --config_file "$run.yaml" > "$run.log" 2>&1 \
      && ! grep -qiE 'nan|inf' "$run/metrics.csv"; then
    echo "run $i/$n: ok ($(( $(date +%s) - t0 )) s): $(tail -1 "$run/metrics.csv" | cut -d, -f1,4,7)"
    rm -rf "$run" "$run.yaml" "$run.log"
  else
    failed=$((failed + 1))
    echo "run $i/$n: FAILED (exit $?), log kept: $run.log"
    tail -3 "$run.log" | sed 's/^/    /'
  fi
done
echo "$n runs in $(( $(date +%s) - start )) s: $((n - failed)) ok, $failed failed (work folder $work)"
[ "$failed" -eq 0 ]
