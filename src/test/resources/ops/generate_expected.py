"""Generates the expected outputs of the org.cryosiam.ops tests with scikit-image 0.19 / SciPy.

Run with Debian's python3 (scikit-image 0.19.3, SciPy 1.10.1, numpy 1.24):
    /usr/bin/python3 src/test/resources/ops/generate_expected.py
Writes src/test/resources/ops/*.txt: one array per line, "name v v v ..." (flat, z-y-x order, x fastest).
The tests never call Python; they read these files.
"""
import os
import warnings

import numpy as np
from scipy import ndimage as ndi
from skimage.measure import label, regionprops_table
from skimage.morphology import binary_erosion, convex_hull_image
from skimage.segmentation import expand_labels, watershed

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, arrays):
    with open(os.path.join(HERE, name), "w") as f:
        for key, a in arrays:
            a = np.asarray(a).ravel()
            if a.dtype == np.float32:
                vals = " ".join(str(v) for v in a)  # numpy prints the shortest float32 repr
            elif a.dtype.kind == "f":
                vals = " ".join(repr(float(v)) for v in a)
            else:
                vals = " ".join(str(int(v)) for v in a)
            f.write(f"{key} {vals}\n")


rng = np.random.default_rng(20240519)
shape = (20, 20, 20)
small = (16, 16, 16)

# connected components + region props
mask = (rng.random(shape) < 0.3).astype(np.uint8)
l6 = label(mask, connectivity=1)
l18 = label(mask, connectivity=2)
l26 = label(mask, connectivity=3)
props = regionprops_table(l26, properties=["label", "area", "bbox", "centroid"])
rows = np.stack([props[k].astype(np.float64) for k in
                 ["label", "area", "bbox-0", "bbox-1", "bbox-2", "bbox-3", "bbox-4", "bbox-5",
                  "centroid-0", "centroid-1", "centroid-2"]], axis=1)
write("label_20.txt", [("mask", mask), ("l6", l6), ("l18", l18), ("l26", l26), ("props26", rows)])

# erosion (skimage: border_value=True) and scipy's default border_value=0
dense = (rng.random(shape) < 0.8).astype(np.uint8)
cross = ndi.generate_binary_structure(3, 1)
write("erosion_20.txt", [("mask", dense),
                         ("border1", binary_erosion(dense.astype(bool), cross)),
                         ("border0", ndi.binary_erosion(dense.astype(bool), cross, border_value=0))])

# distance transform and expand_labels (ties are frequent on integer grids)
edt_mask = (rng.random(small) < 0.97).astype(np.uint8)
seeds = np.zeros(small, np.int32)
pos = rng.choice(np.prod(small), 40, replace=False)
seeds.flat[pos] = rng.integers(1, 9, 40)
write("edt_16.txt", [("mask", edt_mask), ("edt2", np.rint(ndi.distance_transform_edt(edt_mask) ** 2).astype(np.int64)),
                     ("seeds", seeds), ("expand3", expand_labels(seeds, 3)),
                     ("expand1_5", expand_labels(seeds, 1.5)),
                     ("ft", np.ravel_multi_index(ndi.distance_transform_edt(seeds == 0, return_indices=True,
                                                                            return_distances=False), small))])

# gaussian filter on float32, the reference's two uses
g_in = rng.random((9, 7, 11)).astype(np.float32) * 4 - 1
write("gaussian.txt", [("input", g_in),
                       ("nearest", ndi.gaussian_filter(g_in, (1.5, 0.7, 2.0), mode="nearest")),
                       ("constant", ndi.gaussian_filter(g_in, (3.0, 2.0, 2.5), mode="constant", cval=0)),
                       ("half", ndi.gaussian_filter(g_in, 0.5, mode="nearest"))])

# watershed with plateaus: image quantised to 4 levels
w_img = rng.integers(0, 4, small).astype(np.float32)
w_mask = (rng.random(small) < 0.85)
w_markers = np.zeros(small, np.int32)
pos = rng.choice(np.prod(small), 25, replace=False)
w_markers.flat[pos] = np.arange(1, 26)
write("watershed_16.txt", [("image", w_img), ("mask", w_mask), ("markers", w_markers),
                           ("labels", watershed(w_img, w_markers, mask=w_mask)),
                           ("flat", watershed(np.zeros(small, np.float32), w_markers))])

# convex hulls
warnings.simplefilter("ignore")
h2 = np.zeros((15, 17), np.uint8)
for r, c in [(2, 3), (4, 14), (12, 6), (9, 15), (7, 1)]:
    h2[r, c] = 1
h3 = np.zeros((11, 12, 13), np.uint8)
for p in rng.integers(1, 10, (8, 3)):
    h3[tuple(p)] = 1
zz, yy, xx = np.mgrid[:14, :15, :16]
blob = (((zz - 6.5) / 6) ** 2 + ((yy - 7) / 5) ** 2 + ((xx - 8) / 7) ** 2 < 1) & (rng.random((14, 15, 16)) < 0.2)
blob = blob.astype(np.uint8)
h2b = (rng.random((30, 25)) < 0.02).astype(np.uint8)
write("hull.txt", [("h2", h2), ("hull2", convex_hull_image(h2)), ("h3", h3), ("hull3", convex_hull_image(h3)),
                   ("blob", blob), ("hullblob", convex_hull_image(blob)),
                   ("h2b", h2b), ("hull2b", convex_hull_image(h2b))])
