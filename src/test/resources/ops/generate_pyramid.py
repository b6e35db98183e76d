"""Expected outputs of PyramidTest (ops.Pyramid, inference.LamellaPostprocessing) from scikit-image 0.19 / SciPy.

Run with Debian's python3 (scikit-image 0.19.3, SciPy 1.10.1, numpy 1.24):
    /usr/bin/python3 src/test/resources/ops/generate_pyramid.py
Writes src/test/resources/ops/pyramid.txt in the format of generate_expected.py ("name v v v ...", z-y-x flat).
"""
import os
import warnings

import numpy as np
from scipy import ndimage as ndi
from skimage.filters import gaussian
from skimage.measure import label
from skimage.morphology import convex_hull_image
from skimage.transform import pyramid_expand, pyramid_reduce

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter("ignore")


def write(name, arrays):
    with open(os.path.join(HERE, name), "w") as f:
        for key, a in arrays:
            a = np.asarray(a).ravel()
            if a.dtype == np.float32:
                vals = " ".join(str(v) for v in a)
            elif a.dtype.kind == "f":
                vals = " ".join(repr(float(v)) for v in a)
            else:
                vals = " ".join(str(int(v)) for v in a)
            f.write(f"{key} {vals}\n")


rng = np.random.default_rng(7)

# pyramid_reduce / pyramid_expand on binary masks (what the 3-D lamella post-processing feeds them)
red_in = np.zeros((13, 18, 22), bool)
red_in[3:10, 4:15, 2:19] = True
red_in &= rng.random(red_in.shape) < 0.9
reduced = pyramid_reduce(red_in, 4, preserve_range=True)
exp_in = (rng.random((4, 5, 6)) < 0.6)
expanded = pyramid_expand(exp_in, 4, preserve_range=True)


# the reference's lamella post-processing on a synthetic probability map
def get_largest_cc(segmentation, threshold=0.5):
    segmentation = (gaussian(segmentation, sigma=(10, 5, 5), mode='constant') > threshold).astype(int)
    labels = label(segmentation)
    return labels == np.argmax(np.bincount(labels.flat, weights=segmentation.flat))


shape = (36, 32, 30)
z, y, x = np.meshgrid(*[np.arange(s) for s in shape], indexing="ij")
slab = (np.abs(z - 18 - 0.3 * (y - 16)) < 12) & (np.abs(x - 15) < 12) & (np.abs(y - 16) < 14)
probs = np.clip(slab * 1.0 + 0.3 * rng.random(shape) - 0.05, 0, 1).astype(np.float32)
probs[1:4, 1:5, 25:29] = 1.0  # a small separate blob
cc = get_largest_cc(probs, 0.5)
labels2d = (probs > 0.5).astype(np.uint8)
for i in range(cc.shape[0]):
    if np.sum(cc[i]) == 0:
        continue
    labels2d[i] = convex_hull_image(cc[i])
small = pyramid_reduce(cc, 4, preserve_range=True)
labels3d = pyramid_expand(convex_hull_image(small), 4, preserve_range=True)[:shape[0], :shape[1], :shape[2]].astype(int)

write("pyramid.txt", [("red_in", red_in.astype(np.uint8)), ("reduced", reduced),
                      ("exp_in", exp_in.astype(np.uint8)), ("expanded", expanded),
                      ("probs", probs), ("cc", cc.astype(np.uint8)), ("labels2d", labels2d),
                      ("labels3d", labels3d)])
print("cc voxels", cc.sum(), "labels2d", labels2d.sum(), "labels3d", labels3d.sum())
