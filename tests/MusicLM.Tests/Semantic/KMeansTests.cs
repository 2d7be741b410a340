using MusicLM.Semantic;
using MusicLM.Torch;

namespace MusicLM.Tests.Semantic;

public class KMeansTests
{
    /// <summary>Points around <paramref name="centres"/> (K, D) with standard deviation <paramref name="sigma"/>: (N, D) and the true labels.</summary>
    internal static (Tensor points, int[] labels) Blobs(double[,] centres, int perCluster, double sigma, int seed)
    {
        int k = centres.GetLength(0), d = centres.GetLength(1);
        var rng = new Random(seed);
        var data = new float[k * perCluster * d];
        var labels = new int[k * perCluster];
        // Interleaved, so no cluster sits in one contiguous block (the chunked passes see them mixed).
        for (int i = 0; i < k * perCluster; i++)
        {
            int c = i % k;
            labels[i] = c;
            for (int j = 0; j < d; j++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                double g = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                data[i * d + j] = (float)(centres[c, j] + sigma * g);
            }
        }
        return (torch.tensor(data, k * perCluster, d), labels);
    }

    /// <summary>Five centres in 16 dimensions, at least 8 apart.</summary>
    internal static double[,] FarCentres(int k = 5, int d = 16, int seed = 3)
    {
        var rng = new Random(seed);
        var c = new double[k, d];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < d; j++) c[i, j] = (rng.NextDouble() - 0.5) * 20;
        return c;
    }

    /// <summary>The adjusted Rand index (Hubert &amp; Arabie 1985): 1 for identical partitions up to relabelling, about 0 for chance.</summary>
    internal static double AdjustedRand(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var table = new Dictionary<(int, int), long>();
        var ra = new Dictionary<int, long>();
        var rb = new Dictionary<int, long>();
        for (int i = 0; i < a.Count; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
            ra[a[i]] = ra.GetValueOrDefault(a[i]) + 1;
            rb[b[i]] = rb.GetValueOrDefault(b[i]) + 1;
        }
        static double C2(long n) => n * (n - 1) / 2.0;
        double index = table.Values.Sum(C2), sa = ra.Values.Sum(C2), sb = rb.Values.Sum(C2), total = C2(a.Count);
        double expected = sa * sb / total, max = (sa + sb) / 2;
        return (index - expected) / (max - expected);
    }

    [Fact]
    public void Recovers_well_separated_gaussian_clusters()
    {
        var centres = FarCentres();
        var (x, truth) = Blobs(centres, 300, 0.5, seed: 1);
        using var _ = x;
        using var km = KMeans.Fit(x, new KMeansConfig { Clusters = 5, Seed = 0 });
        using var ids = km.Assign(x);
        var found = ids.ToArray<long>().Select(v => (int)v).ToArray();
        Assert.True(AdjustedRand(found, truth) >= 0.95, $"adjusted Rand index {AdjustedRand(found, truth):0.000}");

        // Every true centre has a centroid within 0.2 (the mean of 300 points of σ 0.5 is off by about 0.03 per dimension).
        var c = km.centroids.ToArray<float>();
        for (int i = 0; i < 5; i++)
        {
            var best = Enumerable.Range(0, 5).Min(j => Math.Sqrt(Enumerable.Range(0, 16).Sum(d => Math.Pow(c[j * 16 + d] - centres[i, d], 2))));
            Assert.True(best < 0.2, $"true centre {i} is {best:0.###} from the nearest centroid");
        }
        // Lloyd never raises the inertia, and it ends near N · D · σ² (1500 · 16 · 0.25 = 6000).
        var h = km.InertiaHistory;
        for (int i = 1; i < h.Count; i++) Assert.True(h[i] <= h[i - 1] * (1 + 1e-6), $"inertia rose at iteration {i}: {h[i - 1]} → {h[i]}");
        Assert.InRange(km.Inertia(x), 5000, 7000);
    }

    [Fact]
    public void An_empty_cluster_is_reseeded_from_the_farthest_points()
    {
        var centres = FarCentres(k: 3);
        var (x, truth) = Blobs(centres, 200, 0.5, seed: 2);
        using var _ = x;
        // Two centroids on clusters 0 and 1, the third far away from everything: it gets no point in the first
        // assignment, and cluster 2's points are the farthest from their (cluster 0 or 1) centroid.
        var init = new float[3 * 16];
        for (int d = 0; d < 16; d++)
        {
            init[d] = (float)centres[0, d];
            init[16 + d] = (float)centres[1, d];
            init[32 + d] = 1000;
        }
        using var start = torch.tensor(init, 3, 16);
        using var km = KMeans.Fit(x, new KMeansConfig { Clusters = 3 }, init: start);
        Assert.True(km.Reseeded >= 1, "the far centroid's cluster was empty and should have been re-seeded");
        using var ids = km.Assign(x);
        var found = ids.ToArray<long>().Select(v => (int)v).ToArray();
        Assert.Equal(3, found.Distinct().Count());
        Assert.True(AdjustedRand(found, truth) >= 0.95, $"adjusted Rand index {AdjustedRand(found, truth):0.000}");
    }

    [Fact]
    public void A_fit_is_deterministic_for_a_seed()
    {
        var (x, _) = Blobs(FarCentres(k: 8, d: 12, seed: 5), 100, 2.0, seed: 4);   // overlapping: the seeding matters
        using var __ = x;
        var config = new KMeansConfig { Clusters = 8, Seed = 11, InitSamples = 300 };
        using var a = KMeans.Fit(x, config);
        using var b = KMeans.Fit(x, config);
        Assert.Equal(a.centroids.ToArray<float>(), b.centroids.ToArray<float>());
        Assert.Equal(a.InertiaHistory, b.InertiaHistory);
    }

    [Fact]
    public void Chunked_distances_give_the_same_clusters_as_one_pass()
    {
        var (x, _) = Blobs(FarCentres(k: 6, d: 8, seed: 6), 150, 1.0, seed: 7);
        using var __ = x;
        using var big = KMeans.Fit(x, new KMeansConfig { Clusters = 6, Seed = 1 });
        using var small = KMeans.Fit(x, new KMeansConfig { Clusters = 6, Seed = 1, ChunkElements = 6 * 7 });  // 7 rows per chunk
        Assert.Equal(big.centroids.ToArray<float>(), small.centroids.ToArray<float>(), (p, q) => Math.Abs(p - q) < 1e-4);
        using var ib = big.Assign(x);
        using var isml = small.Assign(x);
        Assert.Equal(ib.ToArray<long>(), isml.ToArray<long>());
    }

    [Fact]
    public void Assign_keeps_the_leading_shape()
    {
        var (x, _) = Blobs(FarCentres(k: 2, d: 4), 20, 0.1, seed: 8);
        using var __ = x;
        using var km = KMeans.Fit(x, new KMeansConfig { Clusters = 2 });
        using var batched = x.view(5, 8, 4);
        using var ids = km.Assign(batched);
        Assert.Equal(new long[] { 5, 8 }, ids.shape);
        Assert.Equal(ScalarType.Int64, ids.dtype);
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_clear_message()
    {
        using var few = torch.randn(3, 4);
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Fit(few, new KMeansConfig { Clusters = 5 }));
        Assert.Contains("at least 5 points", ex.Message);
        using var nan = torch.full(new long[] { 10, 2 }, double.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => KMeans.Fit(nan, new KMeansConfig { Clusters = 2 })).Message);
        using var flat = torch.randn(10);
        Assert.Throws<ArgumentException>(() => KMeans.Fit(flat, new KMeansConfig { Clusters = 2 }));
        using var points = torch.randn(10, 2);
        using var km = KMeans.Fit(points, new KMeansConfig { Clusters = 2 });
        using var wrong = torch.randn(4, 3);
        Assert.Contains("(..., 2)", Assert.Throws<ArgumentException>(() => km.Assign(wrong)).Message);
    }
}
