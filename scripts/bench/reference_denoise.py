#!/usr/bin/env python3
"""Stand-in for the reference's `cryosiam denoise_predict`, used ONLY for side-by-side benchmarks.

The real Python tool (cryosiam 1.0 + MONAI) is not installable here, so this script redoes its denoising
prediction with plain eager PyTorch (tested with Debian's torch 1.13): the same maths and the same work.
- Reads the same YAML keys (data_folder, prediction_folder, trained_model, file_extension, test_files,
  save_raw_predictions, scale_prediction, parameters.data.{patch_size,min,max,mean,std},
  hyper_parameters.batch_size); paths are relative to the current directory.
- Preprocessing: x = -x; clip((x - P0.1) / (P99.9 - P0.1), 0, 1); clip((x - min) / (max - min), 0, 1);
  (x - mean) / std (cryosiam InvertIntensityd, ScaleIntensityd, MONAI ScaleIntensityRanged, NormalizeIntensityd).
- Tiling as MONAI's GridPatchDataset/PatchIter with overlap 0.5: zero-pad at the end up to the patch size, pad the
  whole volume by one patch with np.pad(mode='wrap'), run EVERY grid patch through the network in row-major
  batches of batch_size (the reference also runs the patches it then drops), keep the patch centres.
- Network: DenseSimSiam (MONAI 1.3 ResNet encoder, shortcut B, conv1 7^3 stride 1, no max pool; FPN decoder with
  optional later convs; projector) + CNNHead, BatchNorm in eval mode, ReLU(inplace=False) as cryosiam builds them
  (it passes act=("relu", {"inplace": False}) to MONAI's ResNet), `out += residual` as MONAI's blocks do.
  forward_predict also computes the (unused) global projection, as the reference does.
  The checkpoint is loaded once with torch.load(map_location='cpu') and load_state_dict(strict=True).
- Outputs: <prediction_folder>/<stem><ext> (MRC float32, the input's voxel size) and, with save_raw_predictions,
  <stem>_preds.h5 / preds (1, Z, Y, X) float32, after the optional [0, 1] scaling.
Differences that do not change the maths: patches are cut in the main process (the reference uses a DataLoader with
2 workers), the checkpoint is read once (the reference reads it 3 times), CPU only (the reference calls .cuda()).
Not supported: the BiFPN decoder (no denoising model uses it), 2-D models, max-pool encoders.

Run (from the folder the config's relative paths refer to; with Debian's torch: /usr/bin/python3):
    python3 reference_denoise.py --config_file denoise.yaml [--threads N] [--filename F]
Prints one line per tomogram: name, shape, number of patches run through the network, seconds.
"""
import argparse
import itertools
import os
import time

import h5py
import mrcfile
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml


class ResNetBlock(nn.Module):  # MONAI ResNetBlock (basic)
    expansion = 1

    def __init__(self, in_planes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv3d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm3d(planes)
        self.act = nn.ReLU(inplace=False)
        self.conv2 = nn.Conv3d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm3d(planes)
        self.downsample = downsample

    def forward(self, x):
        residual = x
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        out += residual
        return self.act(out)


class ResNetBottleneck(nn.Module):  # MONAI ResNetBottleneck
    expansion = 4

    def __init__(self, in_planes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv3d(in_planes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm3d(planes)
        self.conv2 = nn.Conv3d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm3d(planes)
        self.conv3 = nn.Conv3d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm3d(planes * 4)
        self.act = nn.ReLU(inplace=False)
        self.downsample = downsample

    def forward(self, x):
        residual = x
        out = self.act(self.bn1(self.conv1(x)))
        out = self.act(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        out += residual
        return self.act(out)


class ResNet(nn.Module):  # MONAI ResNet, conv1 7^3 stride 1, no_max_pool, shortcut_type 'B'
    def __init__(self, block, layers, filters, in_channels, dim, bias_downsample):
        super().__init__()
        self.in_planes = filters[0]
        self.conv1 = nn.Conv3d(in_channels, filters[0], 7, stride=1, padding=3, bias=False)
        self.bn1 = nn.BatchNorm3d(filters[0])
        self.act = nn.ReLU(inplace=False)
        for i, (n, planes) in enumerate(zip(layers, filters)):
            stride = 1 if i == 0 else 2
            down = None
            if stride != 1 or self.in_planes != planes * block.expansion:
                down = nn.Sequential(nn.Conv3d(self.in_planes, planes * block.expansion, 1, stride=stride,
                                               bias=bias_downsample), nn.BatchNorm3d(planes * block.expansion))
            blocks = [block(self.in_planes, planes, stride, down)]
            self.in_planes = planes * block.expansion
            blocks += [block(self.in_planes, planes) for _ in range(1, n)]
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(self.in_planes, dim)


class FPNDecoder(nn.Module):  # cryosiam FPNDecoder (decoder_type 'fpn')
    def __init__(self, filters, expansion, out, later_conv):
        super().__init__()
        for i, f in enumerate(reversed(filters)):  # layer1 <- res5 ... layer4 <- res2
            setattr(self, f'layer{i + 1}', nn.Conv3d(f * expansion, out, 1))
        self.add_later_conv = later_conv
        if later_conv:
            for i in range(1, 5):
                setattr(self, f'later_conv{i}', nn.Conv3d(out, out, 3, padding=1))

    @staticmethod
    def upsample_add(x, y):
        return F.interpolate(x, size=y.shape[2:], mode='trilinear', align_corners=False) + y

    def forward(self, res):
        o1 = self.layer1(res['res5'])
        o2 = self.upsample_add(o1, self.layer2(res['res4']))
        o3 = self.upsample_add(o2, self.layer3(res['res3']))
        o4 = self.upsample_add(o3, self.layer4(res['res2']))
        if self.add_later_conv:  # the reference runs all four; only o4 is used
            o1, o2, o3, o4 = self.later_conv1(o1), self.later_conv2(o2), self.later_conv3(o3), self.later_conv4(o4)
        return o4


def mlp(c, hidden, out, conv, bn_out):  # cryosiam projector/predictor: [0] [1] relu [3] ([4] relu [6] [7])
    lin = (lambda a, b, bias=True: nn.Conv3d(a, b, 1, bias=bias)) if conv else \
        (lambda a, b, bias=True: nn.Linear(a, b, bias=bias))
    bn = nn.BatchNorm3d if conv else nn.BatchNorm1d
    if not bn_out:
        return nn.Sequential(lin(c, hidden, False), bn(hidden), nn.ReLU(inplace=False), lin(hidden, out))
    return nn.Sequential(lin(c, c, False), bn(c), nn.ReLU(inplace=False), lin(c, c, False), bn(c),
                         nn.ReLU(inplace=False), lin(c, out), bn(out, affine=False))


class DenseSimSiam(nn.Module):
    def __init__(self, net, bias_downsample):
        super().__init__()
        if net.get('spatial_dims', 3) != 3 or not net.get('no_max_pool', True) or \
                net.get('decoder_type', 'fpn') != 'fpn':
            raise SystemExit('only 3-D, no-max-pool, FPN-decoder models are supported by this stand-in')
        block = ResNetBottleneck if net['block_type'] == 'bottleneck' else ResNetBlock
        fpn, dim, dd = net['fpn_channels'], net['dim'], net['dense_dim']
        self.encoder = ResNet(block, net['num_layers'], net['num_filters'], net['in_channels'], dim, bias_downsample)
        self.decoder = FPNDecoder(net['num_filters'], block.expansion, fpn, net.get('add_fpn_later_conv', False))
        prev = self.encoder.fc.weight.shape[1]
        self.global_projector = mlp(prev, prev, dim, False, True)
        self.global_projector[6] = self.encoder.fc  # shared, as in cryosiam (both keys are in the checkpoint)
        self.global_predictor = mlp(dim, net['pred_dim'], dim, False, False)
        self.projector = mlp(fpn, fpn, dd, True, True)
        self.predictor = mlp(dd, net['dense_pred_dim'], dd, True, False)
        if net.get('include_levels_loss', False):  # loaded, unused for prediction
            for lv in (2, 4, 8):
                setattr(self, f'level_projector_{lv}', mlp(fpn, fpn, dd, True, True))
                setattr(self, f'level_predictor_{lv}', mlp(dd, net['dense_pred_dim'], dd, True, False))

    def forward_predict(self, x):
        e, res = self.encoder, {}
        x = e.act(e.bn1(e.conv1(x)))
        for i, name in enumerate(('res2', 'res3', 'res4', 'res5')):
            x = getattr(e, f'layer{i + 1}')(x)
            res[name] = x
        z_global = self.global_projector(e.avgpool(x).view(x.size(0), -1))
        return self.projector(self.decoder(res)), z_global


class CNNHead(nn.Module):
    def __init__(self, cin, filters, cout, k=3, pad=1):
        super().__init__()
        self.cnn_head = nn.Sequential(nn.Conv3d(cin, filters[0], k, padding=pad), nn.BatchNorm3d(filters[0]),
                                      nn.ReLU(inplace=False), nn.Conv3d(filters[0], filters[1], k, padding=pad),
                                      nn.BatchNorm3d(filters[1]), nn.ReLU(inplace=False),
                                      nn.Conv3d(filters[1], cout, k, padding=pad))

    def forward(self, z):
        return self.cnn_head(z)


def load_model(path):
    ckpt = torch.load(path, map_location='cpu')
    sd, hp = ckpt['state_dict'], ckpt['hyper_parameters']
    head = hp['config']['parameters']['network']
    model = nn.Module()
    model._model_backbone = DenseSimSiam(hp['backbone_config']['parameters']['network'],
                                         any(k.endswith('downsample.0.bias') for k in sd))
    model._model = CNNHead(head['dense_dim'], head['filters'], head['n_output_channels'],
                           head.get('kernel_size', 3), head.get('padding', 1))
    model.load_state_dict(sd, strict=True)
    return model.eval(), hp['config']


def preprocess(x, d):
    x = -x
    lo, hi = np.percentile(x, 0.1), np.percentile(x, 99.9)
    x = np.clip((x - lo) / (hi - lo), 0, 1).astype(np.float32)
    x = np.clip((x - d['min']) / (d['max'] - d['min']), 0, 1)
    return ((x - d['mean']) / d['std']).astype(np.float32)


def predict_volume(model, vol, patch, batch_size, n_out):
    size = vol.shape
    vol = np.pad(vol, [(0, max(p - s, 0)) for s, p in zip(size, patch)])  # SpatialPad(method='end')
    sp = vol.shape
    wrapped = np.pad(vol, [(p, p) for p in patch], mode='wrap')  # MONAI PatchIter padding
    starts = list(itertools.product(*[range(0, s, int(round(p / 2))) for s, p in zip(sp, patch)]))
    out = np.zeros((n_out,) + sp, dtype=np.float32)
    backbone, head = model._model_backbone, model._model
    for b in range(0, len(starts), batch_size):
        coords = starts[b:b + batch_size]
        img = torch.from_numpy(np.stack([wrapped[tuple(slice(c + p, c + 2 * p) for c, p in zip(cs, patch))]
                                         for cs in coords])[:, None])
        z, _ = backbone.forward_predict(img)
        pred = head(z).numpy()
        for cs, o in zip(coords, pred):
            if any(c >= s - p // 4 for c, s, p in zip(cs, sp, patch)):
                continue  # computed but dropped, as in the reference
            dst, src = [], []
            for c, s, p in zip(cs, sp, patch):
                q, end = p // 4, c + p
                if c == 0:
                    dst.append(slice(0, end - q)), src.append(slice(0, p - q))
                elif end >= s:
                    dst.append(slice(c + q, s)), src.append(slice(q, p - (end - s)))
                else:
                    dst.append(slice(c + q, end - q)), src.append(slice(q, p - q))
            out[(slice(None),) + tuple(dst)] = o[(slice(None),) + tuple(src)]
    return out[(slice(None),) + tuple(slice(0, s) for s in size)], len(starts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--config_file', required=True)
    ap.add_argument('--filename', default=None)
    ap.add_argument('--threads', type=int, default=None)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    with open(args.config_file) as fh:
        cfg = yaml.safe_load(fh)
    model, net_cfg = load_model(cfg['trained_model'])
    data = cfg['parameters']['data']
    patch = list(data.get('patch_size') or net_cfg['parameters']['data']['patch_size'])
    n_out = net_cfg['parameters']['network']['n_output_channels']
    ext, folder, out_folder = cfg['file_extension'], cfg['data_folder'], cfg['prediction_folder']
    os.makedirs(out_folder, exist_ok=True)
    files = [args.filename] if args.filename else cfg.get('test_files') or sorted(
        f for f in os.listdir(folder) if f.endswith(ext) and os.path.isfile(os.path.join(folder, f)))
    with torch.no_grad():
        for name in files:
            t0 = time.time()
            with mrcfile.open(os.path.join(folder, name), permissive=True) as m:
                vol, voxel_size = np.asarray(m.data, dtype=np.float32), m.voxel_size.copy()
            preds, n_patches = predict_volume(model, preprocess(vol, data), patch,
                                              cfg['hyper_parameters']['batch_size'], n_out)
            if cfg.get('scale_prediction'):
                preds = (preds - preds.min()) / (preds.max() - preds.min())
            stem = os.path.join(out_folder, os.path.basename(name)[:-len(ext)])
            if cfg.get('save_raw_predictions'):
                with h5py.File(stem + '_preds.h5', 'w') as f:
                    f.create_dataset('preds', data=preds)
            with mrcfile.new(stem + ext, overwrite=True) as m:
                m.set_data(np.ascontiguousarray(preds[0], dtype=np.float32))
                m.voxel_size = voxel_size
            print(f'{name}: shape {vol.shape}, {n_patches} patches, {time.time() - t0:.2f} s', flush=True)


if __name__ == '__main__':
    main()
