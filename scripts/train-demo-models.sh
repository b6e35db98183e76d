#!/usr/bin/env bash
# Trains the six small models that `cryosiam demo` bundles in the jar, from scratch, with this product's own
# trainers, and installs them in src/main/resources/org/cryosiam/demo/models/. About 40 minutes on 2 CPU cores.
#
#   scripts/train-demo-models.sh            # from the repository root
#
# What `cryosiam train_demo_models` does (org.cryosiam.demo.DemoTraining): 6 phantoms of the demo's generator,
# 88x152x152, seeds 101..106 (the last one validates; the demo shows seed 1, never seen in training); the denoising
# model first (noisy -> noise- and blur-free image), then `denoise_predict` on the phantoms, then the lamella,
# semantic, particles and instance models on the denoised phantoms (480 random 32^3 patches each, 8 epochs, AdamW,
# one-cycle schedule, batch 4, the checkpoint of the lowest validation loss), then the SimSiam embedding model on
# the 16^3 subtomograms of the phantoms' particles (40 epochs). Every step is seeded: a rerun gives the same models
# up to libtorch's float summation order.
#
# Environment: WORK (scratch folder, default demo-training), EXTRA (more train_demo_models flags, e.g. "--epochs 4").
set -euo pipefail

WORK=${WORK:-demo-training}
RESOURCES=src/main/resources/org/cryosiam/demo/models

mvn -q -DskipTests package
rm -rf "$WORK"
# shellcheck disable=SC2086
bin/cryosiam train_demo_models --out "$WORK" --epochs 8 ${EXTRA:-} | tee "$WORK.log"

mkdir -p "$RESOURCES"
for m in denoise lamella semantic particles instance embeddings; do
  cp "$WORK/models/$m.ckpt" "$RESOURCES/$m.ckpt"
done
ls -l "$RESOURCES"/*.ckpt
du -ch "$RESOURCES"/*.ckpt | tail -n 1

# rebuild so that the jar carries them, then show them at work
mvn -q -DskipTests package
rm -rf "$WORK/demo"
bin/cryosiam demo --out "$WORK/demo"
echo "Record the training summary above and the demo's quality numbers in $RESOURCES/README.md."
