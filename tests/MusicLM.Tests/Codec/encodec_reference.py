"""An independent PyTorch re-implementation of EnCodec 24 kHz's module layout (facebookresearch/encodec:
modules/seanet.py, modules/conv.py, modules/lstm.py, quantization/core_vq.py) used as the reference for
the C# codec: same nesting, torch.nn.utils.weight_norm, nn.LSTM over (T, B, C).

usage: encodec_reference.py keys             print every state-dict key with its shape, and the parameter count
       encodec_reference.py roundtrip OUT    random weights and codebooks, a forward pass; writes OUT/model.th
                                             (torch.save(state_dict)) and OUT/io.th (input, codes, outputs)
"""
import json
import math
import sys

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import weight_norm


def get_extra_padding_for_conv1d(x, kernel_size, stride, padding_total=0):
    length = x.shape[-1]
    n_frames = (length - kernel_size + padding_total) / stride + 1
    ideal_length = (math.ceil(n_frames) - 1) * stride + (kernel_size - padding_total)
    return ideal_length - length


def pad1d(x, paddings, mode='zero', value=0.):
    length = x.shape[-1]
    padding_left, padding_right = paddings
    if mode == 'reflect':
        max_pad = max(padding_left, padding_right)
        extra_pad = 0
        if length <= max_pad:
            extra_pad = max_pad - length + 1
            x = F.pad(x, (0, extra_pad))
        padded = F.pad(x, paddings, mode, value)
        end = padded.shape[-1] - extra_pad
        return padded[..., :end]
    return F.pad(x, paddings, mode, value)


def unpad1d(x, paddings):
    padding_left, padding_right = paddings
    end = x.shape[-1] - padding_right
    return x[..., padding_left:end]


class NormConv1d(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
        self.conv = weight_norm(nn.Conv1d(*args, **kwargs))
        self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


class NormConvTranspose1d(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
        self.convtr = weight_norm(nn.ConvTranspose1d(*args, **kwargs))
        self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.convtr(x))


class SConv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1, causal=True, pad_mode='reflect'):
        super().__init__()
        self.conv = NormConv1d(in_channels, out_channels, kernel_size, stride, dilation=dilation)
        self.causal = causal
        self.pad_mode = pad_mode

    def forward(self, x):
        kernel_size = self.conv.conv.kernel_size[0]
        stride = self.conv.conv.stride[0]
        dilation = self.conv.conv.dilation[0]
        kernel_size = (kernel_size - 1) * dilation + 1
        padding_total = kernel_size - stride
        extra_padding = get_extra_padding_for_conv1d(x, kernel_size, stride, padding_total)
        if self.causal:
            x = pad1d(x, (padding_total, extra_padding), mode=self.pad_mode)
        else:
            padding_right = padding_total // 2
            padding_left = padding_total - padding_right
            x = pad1d(x, (padding_left, padding_right + extra_padding), mode=self.pad_mode)
        return self.conv(x)


class SConvTranspose1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, causal=True, trim_right_ratio=1.):
        super().__init__()
        self.convtr = NormConvTranspose1d(in_channels, out_channels, kernel_size, stride)
        self.causal = causal
        self.trim_right_ratio = trim_right_ratio

    def forward(self, x):
        kernel_size = self.convtr.convtr.kernel_size[0]
        stride = self.convtr.convtr.stride[0]
        padding_total = kernel_size - stride
        y = self.convtr(x)
        if self.causal:
            padding_right = math.ceil(padding_total * self.trim_right_ratio)
        else:
            padding_right = padding_total // 2
        padding_left = padding_total - padding_right
        return unpad1d(y, (padding_left, padding_right))


class SLSTM(nn.Module):
    def __init__(self, dimension, num_layers=2):
        super().__init__()
        self.lstm = nn.LSTM(dimension, dimension, num_layers)

    def forward(self, x):
        x = x.permute(2, 0, 1)
        y, _ = self.lstm(x)
        return (y + x).permute(1, 2, 0)


class SEANetResnetBlock(nn.Module):
    def __init__(self, dim, kernel_size, dilation, compress=2):
        super().__init__()
        hidden = dim // compress
        self.block = nn.Sequential(
            nn.ELU(alpha=1.0), SConv1d(dim, hidden, kernel_size, dilation=dilation),
            nn.ELU(alpha=1.0), SConv1d(hidden, dim, 1))
        self.shortcut = SConv1d(dim, dim, 1)  # true_skip=False

    def forward(self, x):
        return self.shortcut(x) + self.block(x)


class SEANetEncoder(nn.Module):
    def __init__(self, channels=1, dimension=128, n_filters=32, ratios=(8, 5, 4, 2)):
        super().__init__()
        mult = 1
        model = [SConv1d(channels, n_filters, 7)]
        for ratio in reversed(ratios):
            model += [SEANetResnetBlock(mult * n_filters, 3, 1)]
            model += [nn.ELU(alpha=1.0), SConv1d(mult * n_filters, mult * n_filters * 2, ratio * 2, stride=ratio)]
            mult *= 2
        model += [SLSTM(mult * n_filters, 2)]
        model += [nn.ELU(alpha=1.0), SConv1d(mult * n_filters, dimension, 7)]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class SEANetDecoder(nn.Module):
    def __init__(self, channels=1, dimension=128, n_filters=32, ratios=(8, 5, 4, 2)):
        super().__init__()
        mult = int(2 ** len(ratios))
        model = [SConv1d(dimension, mult * n_filters, 7), SLSTM(mult * n_filters, 2)]
        for ratio in ratios:
            model += [nn.ELU(alpha=1.0), SConvTranspose1d(mult * n_filters, mult * n_filters // 2, ratio * 2, stride=ratio)]
            model += [SEANetResnetBlock(mult * n_filters // 2, 3, 1)]
            mult //= 2
        model += [nn.ELU(alpha=1.0), SConv1d(n_filters, channels, 7)]
        self.model = nn.Sequential(*model)

    def forward(self, z):
        return self.model(z)


class EuclideanCodebook(nn.Module):
    def __init__(self, dim, codebook_size):
        super().__init__()
        self.register_buffer("inited", torch.Tensor([False]))
        self.register_buffer("cluster_size", torch.zeros(codebook_size))
        embed = torch.zeros(codebook_size, dim)
        self.register_buffer("embed", embed)
        self.register_buffer("embed_avg", embed.clone())

    def encode(self, x):  # (B, T, D) -> (B, T)
        shape = x.shape
        x = x.reshape(-1, shape[-1])
        embed = self.embed.t()
        dist = -(x.pow(2).sum(1, keepdim=True) - 2 * x @ embed + embed.pow(2).sum(0, keepdim=True))
        return dist.max(dim=-1).indices.view(*shape[:-1])

    def decode(self, ind):
        return F.embedding(ind, self.embed)


class VectorQuantization(nn.Module):
    def __init__(self, dim, codebook_size):
        super().__init__()
        self.project_in = nn.Identity()
        self.project_out = nn.Identity()
        self._codebook = EuclideanCodebook(dim, codebook_size)

    def encode(self, x):  # (B, D, T) -> (B, T)
        return self._codebook.encode(x.transpose(1, 2))

    def decode(self, ind):  # (B, T) -> (B, D, T)
        return self._codebook.decode(ind).transpose(1, 2)


class ResidualVectorQuantization(nn.Module):
    def __init__(self, num_quantizers, dim, codebook_size):
        super().__init__()
        self.layers = nn.ModuleList([VectorQuantization(dim, codebook_size) for _ in range(num_quantizers)])

    def encode(self, x):
        residual = x
        all_indices = []
        for layer in self.layers:
            indices = layer.encode(residual)
            residual = residual - layer.decode(indices)
            all_indices.append(indices)
        return torch.stack(all_indices)  # (Q, B, T)

    def decode(self, q_indices):
        out = 0.
        for i, indices in enumerate(q_indices):
            out = out + self.layers[i].decode(indices)
        return out


class ResidualVectorQuantizer(nn.Module):
    def __init__(self, dimension=128, n_q=32, bins=1024):
        super().__init__()
        self.vq = ResidualVectorQuantization(n_q, dimension, bins)


class EncodecModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = SEANetEncoder()
        self.decoder = SEANetDecoder()
        # n_q = 1000 · 24 kbps // (⌈24000 / 320⌉ · 10 bits) = 32
        n_q = int(1000 * 24 // (math.ceil(24000 / 320) * 10))
        self.quantizer = ResidualVectorQuantizer(128, n_q, 1024)

    def encode(self, x):  # (B, 1, T) -> (B, Q, F)
        return self.quantizer.vq.encode(self.encoder(x)).transpose(0, 1)

    def decode(self, codes):  # (B, Q, F) -> (B, 1, F · 320)
        return self.decoder(self.quantizer.vq.decode(codes.transpose(0, 1)))


def keys():
    model = EncodecModel()
    sd = model.state_dict()
    print(json.dumps({
        "keys": {k: list(v.shape) for k, v in sd.items()},
        "parameters": sum(p.numel() for p in model.parameters()),
    }))


def roundtrip(out):
    torch.manual_seed(1234)
    model = EncodecModel().eval()
    with torch.no_grad():
        # Weight norm must matter: g is not ‖v‖ any more.
        for name, p in model.named_parameters():
            if name.endswith("weight_g"):
                p.mul_(torch.empty_like(p).uniform_(0.5, 1.5))
        x = 0.3 * torch.randn(2, 1, 4837)  # not a multiple of the hop: exercises the extra padding
        # Codebooks drawn around each level's residual, so codes spread over the codebook.
        residual = model.encoder(x)
        for layer in model.quantizer.vq.layers:
            cb = layer._codebook
            r = residual.transpose(1, 2).reshape(-1, 128)
            cb.embed.copy_(r.mean(0) + r.std(0) * torch.randn(1024, 128))
            cb.embed_avg.copy_(cb.embed * 3)
            cb.cluster_size.copy_(torch.rand(1024) * 5)
            cb.inited.fill_(1)
            residual = residual - layer.decode(layer.encode(residual))
        torch.save(model.state_dict(), f"{out}/model.th")
        codes32 = model.encode(x)
        output32 = model.decode(codes32)
        model.double()
        codes = model.encode(x.double())
        output = model.decode(codes)
        torch.save({"input": x, "codes": codes, "output": output, "codes32": codes32, "output32": output32}, f"{out}/io.th")
    print(json.dumps({"codes_shape": list(codes.shape), "output_shape": list(output.shape),
                      "distinct_codes_level0": int(codes[:, 0].unique().numel())}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "keys":
        keys()
    elif len(sys.argv) >= 3 and sys.argv[1] == "roundtrip":
        roundtrip(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)
