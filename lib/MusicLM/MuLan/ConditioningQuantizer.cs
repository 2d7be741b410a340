using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.MuLan;

/// <summary>
/// MusicLM's conditioning tokens (§3.1): the MuLan embedding (B, D) → L residual codes (B, L). Level 1 picks the
/// nearest of its K vectors, level 2 the nearest to what is left, and so on; the codebooks are fitted by k-means
/// on the residuals of the level before (residual k-means), on AUDIO embeddings, and applied at generation to
/// TEXT embeddings: that is how a model trained without captions follows a prompt. Buffers: <c>codebooks</c>
/// (L, K, D) and <c>fitted</c> (1; 0 until <see cref="Fit"/> ran). Inputs are moved to the buffers' device and
/// tensors returned stay there.
/// </summary>
public sealed class ConditioningQuantizer : Module
{
    public Tensor codebooks;
    public Tensor fitted;

    public ConditioningQuantizerConfig Config { get; }
    public int Dimension { get; }

    public ConditioningQuantizer(ConditioningQuantizerConfig config, int dimension)
    {
        config.Validate();
        Config = config;
        Dimension = dimension;
        codebooks = torch.zeros(config.Levels, config.CodebookSize, dimension).DetachFromDisposeScope();
        fitted = torch.zeros(1).DetachFromDisposeScope();
    }

    public int Levels => Config.Levels;
    public int CodebookSize => Config.CodebookSize;
    public bool IsFitted => fitted.item() > 0;
    /// <summary>Where the codebooks live.</summary>
    public Device Device => codebooks.device;

    /// <summary>
    /// Fits every level by k-means (Lloyd's algorithm, centres started on distinct random points; an emptied
    /// cluster restarts on the point farthest from its centre) on <paramref name="embeddings"/> (N, D) and their
    /// residuals. Deterministic for a seed. Returns the mean squared reconstruction error after each level.
    /// </summary>
    public double[] Fit(Tensor embeddings, int seed = 0)
    {
        CheckEmbeddings(embeddings);
        long n = embeddings.size(0);
        if (n < 2) throw new ArgumentException($"fitting needs at least 2 embeddings, got {n}", nameof(embeddings));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var rng = new Random(seed);
        var residual = embeddings.to(Device, ScalarType.Float32).clone();      // (N, D)
        var errors = new double[Levels];
        for (var level = 0; level < Levels; level++)
        {
            var centres = Kmeans(residual, CodebookSize, Config.KmeansIterations, rng); // (K, D)
            codebooks.select(0, level).copy_(centres);
            var codes = Nearest(residual, centres);                                      // (N)
            residual = residual - centres.index_select(0, codes);
            errors[level] = residual.square().sum(1).mean().item();
        }
        fitted.fill_(1);
        return errors;
    }

    /// <summary>Tokens of embeddings (B, D) → (B, L) int64 in [0, K).</summary>
    public Tensor Tokens(Tensor embeddings, int? levels = null)
    {
        CheckEmbeddings(embeddings);
        if (!IsFitted) throw new InvalidOperationException("the conditioning quantizer is not fitted yet (fit it on audio embeddings: MuLanTrainer.FitQuantizer)");
        var n = levels ?? Levels;
        if (n < 1 || n > Levels) throw new ArgumentException($"levels must be between 1 and {Levels}, got {n}", nameof(levels));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var residual = embeddings.to(Device, ScalarType.Float32);
        var codes = new List<Tensor>();
        for (var level = 0; level < n; level++)
        {
            var book = codebooks.select(0, level);                                        // (K, D)
            var c = Nearest(residual, book);                                              // (B)
            codes.Add(c);
            residual = residual - book.index_select(0, c);
        }
        return torch.stack(codes, 1).MoveToOuterDisposeScope();                          // (B, n)
    }

    /// <summary>The embedding tokens (B, n) stand for: the sum of their code vectors, (B, D).</summary>
    public Tensor Decode(Tensor tokens)
    {
        if (tokens.dim() != 2 || tokens.size(1) < 1 || tokens.size(1) > Levels || tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"tokens must be int64 (B, n) with 1 ≤ n ≤ {Levels}, got {tokens.dtype} [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        using var scope = torch.NewDisposeScope();
        var ids = tokens.to(Device);
        var sum = torch.zeros(new[] { tokens.size(0), (long)Dimension }, device: Device);
        for (var level = 0; level < tokens.size(1); level++)
            sum = sum + codebooks.select(0, level).index_select(0, ids.select(1, level).contiguous());
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>Mean squared error of reconstructing embeddings (B, D) from their first <paramref name="levels"/> tokens.</summary>
    public double ReconstructionError(Tensor embeddings, int levels)
    {
        using var scope = torch.NewDisposeScope();
        var back = Decode(Tokens(embeddings, levels));
        return (back - embeddings.to(Device)).square().sum(1).mean().item();
    }

    private static Tensor Nearest(Tensor x, Tensor centres)
    {
        // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²; ‖x‖² is the same for every centre.
        using var scope = torch.NewDisposeScope();
        var d = centres.square().sum(1).unsqueeze(0) - 2 * x.matmul(centres.t());       // (N, K)
        return d.argmin(1).MoveToOuterDisposeScope();
    }

    private static Tensor Kmeans(Tensor x, int k, int iterations, Random rng)
    {
        using var scope = torch.NewDisposeScope();
        long n = x.size(0), dim = x.size(1);
        var picks = Enumerable.Range(0, (int)n).OrderBy(_ => rng.Next()).Take(Math.Min(k, (int)n)).ToList();
        while (picks.Count < k) picks.Add(rng.Next((int)n));                              // fewer points than codes
        var centres = x.index_select(0, torch.tensor(picks.Select(i => (long)i).ToArray()).to(x.device));  // (K, D)
        for (var it = 0; it < iterations; it++)
        {
            var codes = Nearest(x, centres);                                              // (N)
            var sums = torch.zeros(new[] { k, dim }, device: x.device).scatter_add(0, codes.unsqueeze(1).expand(n, dim), x);  // (K, D)
            var counts = torch.zeros(new long[] { k }, device: x.device).scatter_add(0, codes, torch.ones(new[] { n }, device: x.device)); // (K)
            var used = counts.gt(0).unsqueeze(1);                                          // (K, 1)
            var means = sums / counts.clamp_min(1).unsqueeze(1);
            centres = torch.where(used, means, centres);
            var empty = counts.eq(0).nonzero().ToArray<long>();
            if (empty.Length > 0)
            {
                // Restart empty clusters on the points farthest from their own centre.
                var dist = (x - centres.index_select(0, codes)).square().sum(1);            // (N)
                var far = dist.topk(Math.Min(empty.Length, (int)n)).indices.ToArray<long>();
                for (var i = 0; i < empty.Length && i < far.Length; i++)
                    centres.select(0, empty[i]).copy_(x.select(0, far[i]));
            }
        }
        return centres.MoveToOuterDisposeScope();
    }

    private void CheckEmbeddings(Tensor embeddings)
    {
        if (embeddings.dim() != 2 || embeddings.size(1) != Dimension || embeddings.size(0) < 1)
            throw new ArgumentException($"embeddings must be (B, {Dimension}) with B ≥ 1, got [{string.Join(", ", embeddings.shape)}]", nameof(embeddings));
    }
}
