#!/usr/bin/env python3
"""Writes the two TorchScript modules that convert arrays to and from bfloat16 for `--precision bf16`.

DJL's PyTorch bridge (0.32 to 0.36) cannot make a bfloat16 array: its JNI maps DJL type numbers to libtorch types
with a switch that has no bfloat16 case, and the default is a bare `throw;` (std::terminate: the JVM dies). These
modules do the conversion inside libtorch instead. Each holds a line or two of code and no weights; 5-D arrays become
channels-last in bfloat16 and plain (contiguous) again in float32. Run once with any
PyTorch >= 1.13 (Debian's python3-torch works); the output goes into the jar's resources:

    python3 scripts/make-cast-modules.py src/main/resources/org/cryosiam/nn
"""
import pathlib
import sys
import tempfile

import torch

SOURCE = '''
import torch


class ToBfloat16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 5:
            # channels-last: oneDNN's bfloat16 convolutions compute in this layout; from plain NCDHW, libtorch
            # copies every convolution's output back to plain with a slow strided loop (42 % of the time in a profile)
            return x.to(torch.bfloat16, memory_format=torch.channels_last_3d)
        return x.to(torch.bfloat16)


class ToFloat32(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.float32, memory_format=torch.contiguous_format)
'''


def main(out_dir):
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # TorchScript compiles from source files, so the classes live in a module file
        path = pathlib.Path(tmp) / 'cast_modules.py'
        path.write_text(SOURCE)
        sys.path.insert(0, tmp)
        import cast_modules
        torch.jit.script(cast_modules.ToBfloat16()).save(str(out / 'to_bfloat16.pt'))
        torch.jit.script(cast_modules.ToFloat32()).save(str(out / 'to_float32.pt'))
    x = torch.randn(5)
    back = torch.jit.load(str(out / 'to_float32.pt'))(torch.jit.load(str(out / 'to_bfloat16.pt'))(x))
    assert back.dtype == torch.float32 and torch.allclose(back, x, rtol=1e-2, atol=1e-2)
    print('wrote', out / 'to_bfloat16.pt', 'and', out / 'to_float32.pt', 'with torch', torch.__version__)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'src/main/resources/org/cryosiam/nn')
