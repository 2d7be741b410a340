using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec;

/// <summary>
/// One codebook of K vectors (EnCodec's <c>EuclideanCodebook</c>): nearest-neighbour lookup, and in training
/// the EMA update of van den Oord et al. 2017 (App. A.1): N_k ← γ N_k + (1 − γ) n_k, m_k ← γ m_k + (1 − γ) Σ x,
/// e_k = m_k / N_k (Laplace-smoothed), after a k-means initialisation on the first batch.
/// Buffers as in EnCodec: <c>inited</c> (1), <c>cluster_size</c> (K), <c>embed</c> (K, D), <c>embed_avg</c> (K, D).
/// </summary>
public sealed class Codebook : Module
{
    public Tensor inited;
    public Tensor cluster_size;
    public Tensor embed;
    public Tensor embed_avg;

    [Transient] private readonly RvqConfig config;

    public Codebook(RvqConfig config)
    {
        this.config = config;
        long k = config.CodebookSize, d = config.Dimension;
        inited = torch.full(new[] { 1L }, config.KmeansInit ? 0 : 1).DetachFromDisposeScope();
        cluster_size = torch.zeros(k).DetachFromDisposeScope();
        if (config.KmeansInit) embed = torch.zeros(k, d).DetachFromDisposeScope();
        else
        {
            // kaiming_uniform_ on (K, D): U(±√(6 / D)).
            var bound = Math.Sqrt(6.0 / d);
            using var u = torch.rand(k, d);
            using var scaled = u * (2 * bound);
            embed = (scaled - bound).DetachFromDisposeScope();
        }
        embed_avg = embed.clone().DetachFromDisposeScope();
    }

    public long CodebookSize => config.CodebookSize;

    /// <summary>Whether k-means has run (or the codebook was loaded).</summary>
    public bool IsInitialised => inited.item() != 0;

    /// <summary>Index of the nearest code for each row of x (N, D) → (N), by −(‖x‖² − 2 x·e + ‖e‖²) maximal.</summary>
    public Tensor Quantize(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var e = embed.t();                                                      // (D, K)
        var dist = -(x.pow(2).sum(1, keepdim: true) - 2 * x.matmul(e) + e.pow(2).sum(0, keepdim: true)); // (N, K)
        return dist.argmax(-1).MoveToOuterDisposeScope();                       // (N)
    }

    /// <summary>The code vectors of indices (...) → (..., D).</summary>
    public Tensor Dequantize(Tensor indices) => F.embedding(indices, embed);

    /// <summary>Indices of the nearest codes for x (..., D) → (...).</summary>
    public Tensor Encode(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var shape = x.shape;
        var flat = x.reshape(-1, shape[^1]);                                     // (N, D)
        return Quantize(flat).view(shape[..^1]).MoveToOuterDisposeScope();     // (...)
    }

    /// <summary>Quantizes x (..., D) → (code vectors (..., D), indices (...)); in training also updates the codebook.</summary>
    public (Tensor quantized, Tensor indices) forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var shape = x.shape;
        using var _ = torch.no_grad();
        var flat = x.detach().reshape(-1, shape[^1]);                           // (N, D)
        if (training && !IsInitialised) InitEmbed(flat);
        var ind = Quantize(flat);                                               // (N)
        var indices = ind.view(shape[..^1]);                                    // (...)
        var quantized = Dequantize(indices);                                    // (..., D)
        if (training)
        {
            ExpireCodes(flat);
            var onehot = F.one_hot(ind, config.CodebookSize).to(flat.dtype);    // (N, K)
            Ema(cluster_size, onehot.sum(0));                                   // (K)
            Ema(embed_avg, onehot.t().matmul(flat));                            // (K, D)
            var n = cluster_size.sum();
            var smoothed = (cluster_size + config.Epsilon) / (n + config.CodebookSize * config.Epsilon) * n; // Laplace smoothing
            embed.copy_(embed_avg / smoothed.unsqueeze(1));
        }
        return (quantized.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope());
    }

    private void Ema(Tensor average, Tensor value) => average.mul_(config.Decay).add_(value, 1 - config.Decay);

    /// <summary>
    /// k-means on the first batch gives the codes and their cluster sizes (EnCodec's <c>init_embed_</c>). The sums
    /// are set to means · sizes so that e = m / N holds from the start; EnCodec copies the means into
    /// <c>embed_avg</c> instead, which shrinks every code by its cluster size at the first EMA step.
    /// </summary>
    private void InitEmbed(Tensor data)
    {
        var (means, bins) = Kmeans(data, config.CodebookSize, config.KmeansIters);
        using (means)
        using (bins)
        {
            using var sums = means * bins.unsqueeze(1);
            embed.copy_(means);
            embed_avg.copy_(sums);
            cluster_size.copy_(bins);
            inited.fill_(1);
        }
    }

    /// <summary>
    /// Replaces codes whose cluster-size EMA is under the threshold by random vectors of the batch. Unlike
    /// EnCodec, which changes only <c>embed</c> (so the EMA step right after overwrites it), the replaced code's
    /// statistics are reset too (N_k = threshold, m_k = threshold · x, as lucidrains' vector-quantize-pytorch
    /// does), so the revived code survives the update.
    /// </summary>
    private void ExpireCodes(Tensor samples)
    {
        if (config.DeadCodeThreshold <= 0) return;
        using var expired = cluster_size.lt(config.DeadCodeThreshold);          // (K)
        using var any = expired.any();
        if (any.item() == 0) return;
        using var fresh = SampleVectors(samples, config.CodebookSize);          // (K, D)
        using var mask = expired.unsqueeze(1);                                  // (K, 1)
        using var newEmbed = torch.where(mask, fresh, embed);
        using var threshold = torch.full_like(cluster_size, config.DeadCodeThreshold);
        using var newSize = torch.where(expired, threshold, cluster_size);
        using var scaled = fresh * config.DeadCodeThreshold;
        using var newAvg = torch.where(mask, scaled, embed_avg);
        embed.copy_(newEmbed);
        cluster_size.copy_(newSize);
        embed_avg.copy_(newAvg);
    }

    /// <summary><paramref name="num"/> rows of samples (N, D): distinct when N ≥ num, else drawn with replacement.</summary>
    internal static Tensor SampleVectors(Tensor samples, long num)
    {
        using var scope = torch.NewDisposeScope();
        var n = samples.size(0);
        var idx = n >= num ? torch.rand(n).sort().indices.narrow(0, 0, num) : torch.randint(0, n, new[] { num });
        return samples.index_select(0, idx).MoveToOuterDisposeScope();
    }

    /// <summary>Lloyd's k-means (EnCodec's <c>kmeans</c>): means (K, D) and the final cluster sizes (K).</summary>
    internal static (Tensor means, Tensor bins) Kmeans(Tensor samples, long k, int iters)
    {
        using var scope = torch.NewDisposeScope();
        var means = SampleVectors(samples, k);                                   // (K, D)
        var bins = torch.zeros(k);
        for (var i = 0; i < iters; i++)
        {
            var e = means.t();
            var dist = -(samples.pow(2).sum(1, keepdim: true) - 2 * samples.matmul(e) + e.pow(2).sum(0, keepdim: true)); // (N, K)
            var buckets = dist.argmax(-1);                                      // (N)
            var onehot = F.one_hot(buckets, k).to(samples.dtype);               // (N, K)
            bins = onehot.sum(0);                                               // (K)
            var empty = bins.eq(0);
            var newMeans = onehot.t().matmul(samples) / bins.masked_fill(empty, 1).unsqueeze(1); // (K, D)
            means = torch.where(empty.unsqueeze(1), means, newMeans);
        }
        return (means.MoveToOuterDisposeScope(), bins.MoveToOuterDisposeScope());
    }
}
