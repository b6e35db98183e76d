"""Expected outputs of InstancePostprocessingTest: cryosiam 1.0's instance post-processing
(instance_segmentation with postprocessing=False, written out below) with scikit-image 0.19 / SciPy.

Run with Debian's python3:  /usr/bin/python3 src/test/resources/ops/generate_instance_expected.py
Writes instance_postprocessing.txt in the format of generate_expected.py.
"""
import os

import numpy as np
from scipy import ndimage as ndi
from skimage.filters import gaussian
from skimage.measure import label
from skimage.segmentation import relabel_sequential, watershed

from generate_expected import write


def find_markers(distances, threshold_min, threshold_max):
    if threshold_min == threshold_max:
        return label(distances >= threshold_min)
    markers = np.zeros(distances.shape, dtype=np.int64)
    initial_separation = label(distances >= threshold_min)
    for thresh in np.arange(threshold_min + 0.5, threshold_max + 0.5, 0.5):
        current_separation = label(distances >= thresh)
        mask = initial_separation[(current_separation == 0) & (initial_separation != 0)]
        second_mask = initial_separation[(current_separation != 0) & (initial_separation != 0)]
        ids = np.setdiff1d(mask, second_mask)
        if ids.shape[0] >= 1:
            selection = np.isin(initial_separation, ids)
            markers[selection] = initial_separation[selection].copy()
        markers, _, _ = relabel_sequential(markers, offset=1)
        initial_separation, _, _ = relabel_sequential(current_separation, offset=np.max(markers) + 1)
    markers[initial_separation > 0] = initial_separation[initial_separation > 0]
    markers, _, _ = relabel_sequential(markers, offset=1)
    return markers


def segment(foreground, distances, lo, hi, t, distance_type):
    distances = gaussian(distances, sigma=0.5)
    if t < 1:
        foreground = gaussian(foreground, sigma=0.5)
    distances[distances < 0] = 0
    distances[foreground < t] = 0
    if distance_type in (1, 2):
        e = gaussian(np.clip(ndi.distance_transform_edt(foreground >= t), a_min=0, a_max=5), sigma=0.5)
        distances = (distances + e) / 2 if distance_type == 1 else e
    markers = find_markers(distances, lo, hi).astype(np.uint32)
    return watershed(-distances, markers=markers, mask=foreground >= t).astype(np.uint32), markers, distances


def main():
    rng = np.random.default_rng(5)
    n = 20
    blobs = np.zeros((n, n, n), bool)
    zz, yy, xx = np.mgrid[:n, :n, :n]
    for _ in range(10):
        c = rng.uniform(2, n - 2, 3)
        r = rng.uniform(2, 5)
        blobs |= (zz - c[0]) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2 <= r * r
    e = ndi.distance_transform_edt(blobs)
    fg = (1 / (1 + np.exp(-(e - 0.5) * 3)) + rng.normal(0, 0.05, e.shape)).astype(np.float32)
    d = (np.clip(e, 0, 6) * 0.6 + rng.normal(0, 0.2, e.shape) - 0.2).astype(np.float32)
    arrays = [("foreground", fg), ("distances", d)]
    cases = [("t0", 0, 2, 0.5, 0), ("t1", 0, 2, 0.5, 1), ("t2", 0.5, 3, 0.4, 2), ("eq", 1, 1, 0.5, 1),
             ("raw", 0, 1.5, 1.0, 0)]
    for name, lo, hi, t, dt in cases:
        inst, markers, dist = segment(fg, d, lo, hi, t, dt)
        arrays += [(name + "_markers", markers), (name + "_instances", inst)]
        if name in ("t0", "t1"):
            arrays.append((name + "_centre", dist))
    line = np.array([0, 0, 1, 5, 2.5, 0, 0, 7, 0.125], dtype=np.float64).reshape(1, 1, 9)
    arrays.append(("gauss64_in", line))
    arrays.append(("gauss64_out", ndi.gaussian_filter(line, 0.5, mode="nearest", truncate=4.0)))
    write("instance_postprocessing.txt", arrays)


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    main()
