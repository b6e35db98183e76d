"""SciPy / scikit-image timings to compare with org.cryosiam.ops.OpsBenchmark (same inputs' statistics).

    /usr/bin/python3 src/test/resources/ops/bench_ops.py [size] [repeats]
"""
import sys
import time

import numpy as np
import scipy
import skimage
from scipy import ndimage as ndi
from skimage.filters import gaussian
from skimage.measure import label

n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
noise = np.random.default_rng(1).random((n, n, n), dtype=np.float32)
smooth = ndi.gaussian_filter(noise, 2, mode="nearest")
sparse = noise > 0.7
blobs = smooth > 0.5
print(f"numpy {np.__version__}, scipy {scipy.__version__}, skimage {skimage.__version__}, volume {n}^3")


def bench(what, f):
    f()
    best = min(_timed(f) for _ in range(repeats))
    print(f"{what:36s} {best:8.3f} s")


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


bench("label 26-conn, noise>0.7", lambda: label(sparse, connectivity=3))
bench("label 26-conn, gauss(noise,2)>0.5", lambda: label(blobs, connectivity=3))
bench("label 6-conn, noise>0.7", lambda: label(sparse, connectivity=1))
bench("gaussian sigma=2 nearest", lambda: ndi.gaussian_filter(noise, 2, mode="nearest"))
bench("gaussian sigma=(10,5,5) constant", lambda: gaussian(noise, sigma=(10, 5, 5), mode="constant"))
bench("gaussian sigma=0.5 nearest", lambda: ndi.gaussian_filter(noise, 0.5, mode="nearest"))
print(f"(components: noise>0.7 {label(sparse, connectivity=3).max()}, blobs {label(blobs, connectivity=3).max()})")
