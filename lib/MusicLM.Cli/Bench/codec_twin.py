#!/usr/bin/env python3
"""PyTorch twin of `musiclm bench codec` for EnCodec 24 kHz: the same architecture (the test suite's independent
re-implementation, tests/MusicLM.Tests/Codec/encodec_reference.py), random weights, eval mode, no_grad, float32.

usage: codec_twin.py SECONDS LEVELS THREADS   prints  encode_median_s=... decode_median_s=...
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "MusicLM.Tests", "Codec"))
import torch  # noqa: E402
from encodec_reference import EncodecModel  # noqa: E402


def median_time(fn, warm=1, runs=3):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    seconds, levels, threads = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = EncodecModel().eval()
    x = 0.1 * torch.randn(1, 1, int(seconds * 24000))
    with torch.no_grad():
        z = model.encoder(x)
        for layer in model.quantizer.vq.layers:          # codebooks near the latent, so the search is a real one
            layer._codebook.embed.copy_(z.mean() + z.std() * torch.randn(1024, 128))
        layers = model.quantizer.vq.layers[:levels]

        def encode():
            residual = model.encoder(x)
            codes = []
            for layer in layers:
                c = layer.encode(residual)
                residual = residual - layer.decode(c)
                codes.append(c)
            return torch.stack(codes, 1)

        codes = encode()

        def decode():
            q = sum(layer.decode(codes[:, i]) for i, layer in enumerate(layers))
            return model.decoder(q)

        print(f"encode_median_s={median_time(encode):.5f} decode_median_s={median_time(decode):.5f}")


if __name__ == "__main__":
    main()
