using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// Residual vector quantization (SoundStream §3.3, Algorithm 1): level 1 quantizes the latent, level i the
/// residual that levels 1…i−1 left, and the quantized latent is the sum of the chosen codes. Any prefix of
/// the levels decodes, coarser with fewer. State-dict keys as in EnCodec: <c>vq.layers.{i}._codebook.embed</c>.
/// </summary>
public sealed class ResidualVectorQuantizer : Module
{
    internal readonly QuantizerLayers vq;
    public RvqConfig Config { get; }

    public ResidualVectorQuantizer(RvqConfig config)
    {
        config.Validate();
        Config = config;
        vq = new QuantizerLayers(Enumerable.Range(0, config.Levels).Select(_ => new VectorQuantizer(config)));
    }

    /// <summary>The levels, coarsest first.</summary>
    public IReadOnlyList<VectorQuantizer> Layers => vq.layers;

    public int Levels => Config.Levels;
    public int CodebookSize => Config.CodebookSize;

    /// <summary>Codes of the latent x (B, D, T) → (B, n_q, T), n_q = <paramref name="levels"/> (default all).</summary>
    public Tensor Encode(Tensor x, int? levels = null)
    {
        var nq = CheckLevels(levels);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var residual = x;                                   // (B, D, T)
        var all = new List<Tensor>();
        for (var i = 0; i < nq; i++)
        {
            var indices = vq.layers[i].Encode(residual);    // (B, T)
            residual = residual - vq.layers[i].Decode(indices);
            all.Add(indices);
        }
        return torch.stack(all, 1).MoveToOuterDisposeScope(); // (B, n_q, T)
    }

    /// <summary>The quantized latent (B, D, T) from codes (B, n, T): the sum of the first n levels' code vectors.</summary>
    public Tensor Decode(Tensor codes)
    {
        if (codes.dim() != 3 || codes.size(1) < 1 || codes.size(1) > Levels)
            throw new ArgumentException($"codes must have shape (B, n, T) with 1 ≤ n ≤ {Levels}, got [{string.Join(", ", codes.shape)}]", nameof(codes));
        using var scope = torch.NewDisposeScope();
        Tensor? sum = null;
        for (var i = 0; i < codes.size(1); i++)
        {
            var q = vq.layers[i].Decode(codes.select(1, i)); // (B, D, T)
            sum = sum is null ? q : sum + q;
        }
        return sum!.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The training pass: quantizes x (B, D, T) level by level with straight-through gradients and EMA codebook
    /// updates. With quantizer dropout (training only, <paramref name="levels"/> not given) a random n_q ∈ [1, Q] is used.
    /// </summary>
    public RvqOutput forward(Tensor x, int? levels = null)
    {
        using var scope = torch.NewDisposeScope();
        var nq = levels.HasValue ? CheckLevels(levels)
            : training && Config.QuantizerDropout ? (int)torch.randint(1, Levels + 1, new[] { 1L }).item() : Levels;
        var residual = x;                                   // (B, D, T)
        Tensor quantized = torch.zeros_like(x);
        var codes = new List<Tensor>();
        var losses = new List<Tensor>();
        for (var i = 0; i < nq; i++)
        {
            var (q, indices, loss) = vq.layers[i].forward(residual);
            residual = residual - q;
            quantized = quantized + q;
            codes.Add(indices);
            losses.Add(loss);
        }
        var commit = torch.stack(losses).mean();
        return new RvqOutput(quantized.MoveToOuterDisposeScope(), torch.stack(codes, 1).MoveToOuterDisposeScope(), commit.MoveToOuterDisposeScope());
    }

    /// <summary>How often each code is used per level: codes (B, n, T) → counts (n, K).</summary>
    public Tensor Usage(Tensor codes)
    {
        using var scope = torch.NewDisposeScope();
        var perLevel = codes.transpose(0, 1).reshape(codes.size(1), -1);      // (n, B·T)
        var onehot = functional.one_hot(perLevel, CodebookSize);               // (n, B·T, K)
        return onehot.sum(1).MoveToOuterDisposeScope();                        // (n, K)
    }

    /// <summary>
    /// Perplexity of code usage per level: exp of the entropy of the usage histogram — the number of
    /// equally used codes that would give the same entropy (K at best, 1 when a single code is used).
    /// </summary>
    public double[] Perplexity(Tensor codes)
    {
        using var scope = torch.NewDisposeScope();
        var counts = Usage(codes).to(ScalarType.Float64);                      // (n, K)
        var p = counts / counts.sum(1, keepdim: true);
        var entropy = -(p.xlogy(p)).sum(1);                                    // (n), 0·log 0 = 0
        return entropy.exp().ToArray<double>();
    }

    private int CheckLevels(int? levels)
    {
        var n = levels ?? Levels;
        if (n < 1 || n > Levels) throw new ArgumentException($"levels must be between 1 and {Levels}, got {n}", nameof(levels));
        return n;
    }
}
