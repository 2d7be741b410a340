using MusicLM.Codec;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec;

public class RvqTests
{
    private const int Clusters = 16, Dim = 8;

    /// <summary>16 well-separated Gaussian clusters in 8-D (centres N(0, 10²), spread 0.1), as a latent (1, D, N).</summary>
    private sealed class Mixture
    {
        private readonly Tensor centres;
        public Mixture() => centres = (torch.randn(Clusters, Dim) * 10).DetachFromDisposeScope();

        public Tensor Sample(long n)
        {
            using var scope = torch.NewDisposeScope();
            var idx = torch.randint(0, Clusters, new[] { n });
            var x = centres.index_select(0, idx) + torch.randn(n, Dim) * 0.1; // (N, D)
            return x.t().unsqueeze(0).contiguous().MoveToOuterDisposeScope();   // (1, D, N)
        }
    }

    private static RvqConfig Config(int levels, bool dropout = false, double deadCode = 2) => new()
    {
        Dimension = Dim, CodebookSize = Clusters, Levels = levels, KmeansIters = 20, QuantizerDropout = dropout, DeadCodeThreshold = deadCode,
    };

    private static double Mse(ResidualVectorQuantizer rvq, Tensor x, int levels)
    {
        using var scope = torch.NewDisposeScope();
        var q = rvq.Decode(rvq.Encode(x, levels));
        return (q - x).pow(2).mean().item();
    }

    private static void Train(ResidualVectorQuantizer rvq, Mixture data, int steps)
    {
        rvq.train();
        for (var i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = rvq.forward(data.Sample(1024));
        }
        rvq.eval();
    }

    [Fact]
    public void Kmeans_init_and_EMA_steps_fit_the_clusters_and_spread_code_usage()
    {
        torch.manual_seed(1);
        using var scope = torch.NewDisposeScope();
        var data = new Mixture();
        using var rvq = new ResidualVectorQuantizer(Config(1));
        var x = data.Sample(2048);
        var before = Mse(rvq, x, 1); // an uninitialised (all-zero) codebook: the error is the data's power
        Train(rvq, data, 10);
        var after = Mse(rvq, x, 1);
        Assert.True(after < 0.2 * before, $"quantization error {after:F3} should fall well below {before:F3}");
        var perplexity = rvq.Perplexity(rvq.Encode(x))[0];
        Assert.True(perplexity > 12, $"perplexity {perplexity:F2} should be near the 16 clusters");
    }

    [Fact]
    public void Each_residual_level_lowers_the_error_and_every_prefix_decodes_under_quantizer_dropout()
    {
        torch.manual_seed(2);
        using var scope = torch.NewDisposeScope();
        var data = new Mixture();
        using var rvq = new ResidualVectorQuantizer(Config(4, dropout: true));
        rvq.train();
        var used = new HashSet<int>();
        for (var i = 0; i < 40; i++)
        {
            using var inner = torch.NewDisposeScope();
            using var o = rvq.forward(data.Sample(1024));
            used.Add(o.Levels);
            Assert.Equal(o.Levels, (int)o.Codes.size(1));
            Assert.True(o.Codes.min().item() >= 0 && o.Codes.max().item() < Clusters);
            Assert.Equal(new[] { 1L, Dim, 1024 }, o.Quantized.shape);
        }
        Assert.True(used.Count >= 3 && used.All(n => n is >= 1 and <= 4), $"levels used: {string.Join(", ", used)}");

        rvq.eval();
        using (var o = rvq.forward(data.Sample(64))) Assert.Equal(4, o.Levels); // no dropout in evaluation
        var x = data.Sample(2048);
        var errors = Enumerable.Range(1, 4).Select(n => Mse(rvq, x, n)).ToArray();
        for (var n = 1; n < 4; n++)
            Assert.True(errors[n] < errors[n - 1], $"error with {n + 1} levels ({errors[n]:E3}) should be below {n} levels ({errors[n - 1]:E3})");
    }

    [Theory]
    [InlineData(2.0, true)]
    [InlineData(0.0, false)] // replacement off: the dead codes stay dead
    public void Dead_codes_are_replaced_by_batch_vectors(double threshold, bool revived)
    {
        torch.manual_seed(3);
        using var scope = torch.NewDisposeScope();
        var data = new Mixture();
        using var rvq = new ResidualVectorQuantizer(Config(1, deadCode: threshold));
        Train(rvq, data, 3);
        var cb = rvq.Layers[0]._codebook;
        using (torch.no_grad())
        {
            // Kill codes 0–3: far from every point, never chosen, with empty statistics.
            cb.embed.narrow(0, 0, 4).fill_(1000);
            cb.embed_avg.narrow(0, 0, 4).fill_(0);
            cb.cluster_size.narrow(0, 0, 4).fill_(0);
        }
        var x = data.Sample(2048);
        Assert.Equal(0, rvq.Usage(rvq.Encode(x)).narrow(1, 0, 4).sum().item());

        Train(rvq, data, 1);
        var usage = rvq.Usage(rvq.Encode(x)).narrow(1, 0, 4);                   // (1, 4)
        var nearest = torch.cdist(cb.embed.narrow(0, 0, 4), x[0].t()).amin(1);   // distance to the closest point
        if (revived)
        {
            Assert.True(nearest.max().item() < 1, "replaced codes should sit on data points");
            Assert.True(usage.min().item() > 0, $"every replaced code should be used again, usage {usage}");
        }
        else
        {
            Assert.True(nearest.min().item() > 1, "without replacement no code should land on a data point");
            Assert.Equal(0, usage.sum().item());
        }
    }

    [Fact]
    public void Perplexity_counts_equally_used_codes()
    {
        using var scope = torch.NewDisposeScope();
        using var rvq = new ResidualVectorQuantizer(Config(2));
        // Level 1 uses codes 0–3 equally, level 2 only code 5.
        var level1 = torch.tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 }, 1, 8);
        var level2 = torch.full(new[] { 1L, 8 }, 5, ScalarType.Int64);
        var codes = torch.stack(new[] { level1, level2 }, 1); // (1, 2, 8)
        var p = rvq.Perplexity(codes);
        Assert.Equal(4.0, p[0], 9);
        Assert.Equal(1.0, p[1], 9);
        var usage = rvq.Usage(codes);
        Assert.Equal(new[] { 2L, 16 }, usage.shape);
        Assert.Equal(8, usage[1, 5].item());
    }
}
