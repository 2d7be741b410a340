using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.MuLan;

/// <summary>
/// Features (B, C, T) (log-mel bands, then chroma bins) → embedding (B, E), not yet normalised (see <see cref="AudioTowerConfig"/>). The input is
/// standardised per row with statistics of the training set (<c>input_mean</c>, <c>input_std</c>, set once by the
/// trainer and saved with the weights), so the first layer sees values near N(0, 1).
/// </summary>
public sealed class AudioTower : Module
{
    public readonly Conv1d stem;
    public readonly ModuleList<ConvResBlock> blocks;
    public readonly ModuleList<Conv1d> downsample;
    public readonly ModuleList<TransformerBlock> transformer;
    public readonly LayerNorm ln_f;
    public readonly Linear proj;
    public Tensor input_mean;
    public Tensor input_std;

    public AudioTowerConfig Config { get; }
    /// <summary>Feature rows per frame (mel bands, plus chroma bins when the model uses them).</summary>
    public int InputChannels { get; }

    public AudioTower(AudioTowerConfig config, int inputChannels, int embeddingDim)
    {
        Config = config;
        InputChannels = inputChannels;
        int c = config.Channels, k = config.KernelSize;
        stem = new Conv1d(inputChannels, c, 5, padding: 2);
        blocks = new ModuleList<ConvResBlock>(Enumerable.Range(0, config.Stages).Select(_ => new ConvResBlock(c, k)));
        downsample = new ModuleList<Conv1d>(Enumerable.Range(0, config.Stages).Select(_ => new Conv1d(c, c, 3, stride: 2, padding: 1)));
        transformer = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.TransformerLayers).Select(_ => new TransformerBlock(c, config.Heads)));
        ln_f = new LayerNorm(c);
        proj = new Linear(c, embeddingDim);
        input_mean = torch.zeros(inputChannels).DetachFromDisposeScope();
        input_std = torch.ones(inputChannels).DetachFromDisposeScope();
    }

    /// <summary>Standardised input: (mel − mean) / std per band, (B, M, T).</summary>
    public Tensor Standardize(Tensor mel) => (mel - input_mean.view(1, -1, 1)) / input_std.view(1, -1, 1);

    /// <summary>Log-mel (B, M, T) → (B, E).</summary>
    public Tensor forward(Tensor mel)
    {
        using var scope = torch.NewDisposeScope();
        var x = stem.forward(Standardize(mel));                               // (B, C, T)
        for (var s = 0; s < blocks.Count; s++)
            x = downsample[s].forward(blocks[s].forward(x));                  // (B, C, T / 2^(s+1))
        var h = x.transpose(1, 2);                                            // (B, T', C)
        if (transformer.Count > 0)
        {
            h = h + Positions(h.size(1), h.size(2)).to(h.device);
            foreach (var block in transformer) h = block.forward(h);          // (B, T', C)
        }
        var pooled = ln_f.forward(h).mean(1);                                 // (B, C)
        return proj.forward(pooled).MoveToOuterDisposeScope();                // (B, E)
    }

    /// <summary>Sinusoidal positions (Vaswani et al. 2017 §3.5), (T, C): any length works, so whole clips embed as crops do.</summary>
    private static Tensor Positions(long t, long c)
    {
        var data = new float[t * c];
        for (long p = 0; p < t; p++)
            for (long i = 0; i < c; i += 2)
            {
                var angle = p / Math.Pow(10000, (double)i / c);
                data[p * c + i] = (float)Math.Sin(angle);
                if (i + 1 < c) data[p * c + i + 1] = (float)Math.Cos(angle);
            }
        return torch.tensor(data, t, c);
    }

    /// <summary>Sets the per-band statistics the input is standardised with.</summary>
    public void SetStatistics(Tensor mean, Tensor std)
    {
        using var _ = torch.no_grad();
        input_mean.copy_(mean);
        input_std.copy_(std.clamp_min(1e-3));
    }
}
