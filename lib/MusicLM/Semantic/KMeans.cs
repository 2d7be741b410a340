using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Semantic;

/// <summary>
/// k-means on the engine (Lloyd 1982; k-means++ seeding, Arthur &amp; Vassilvitskii 2007): K centres minimising the
/// inertia Σ ‖x − c(x)‖². Distances are computed in chunks of rows as ‖x‖² − 2 x·cᵀ + ‖c‖², so no N × K matrix is
/// ever held; the new centres are the means of their points (sums in float64); a cluster left empty is re-seeded
/// with the point farthest from its centre (as scikit-learn does). Every random choice comes from a
/// <see cref="Random"/> seeded by <see cref="KMeansConfig.Seed"/>, not from the engine's process-wide generator, so
/// a fit is deterministic for a seed. Buffer: <c>centroids</c> (K, D).
/// </summary>
public sealed class KMeans : Module
{
    public Tensor centroids;

    public KMeans(long clusters, long dim)
    {
        if (clusters < 1 || dim < 1) throw new ArgumentException($"k-means needs at least one cluster and one dimension, got K = {clusters}, D = {dim}");
        centroids = torch.zeros(clusters, dim).DetachFromDisposeScope();
    }

    /// <summary>K.</summary>
    public long Clusters => centroids.size(0);
    /// <summary>D.</summary>
    public long Dim => centroids.size(1);
    /// <summary>Where the centroids live; <see cref="Assign"/> and <see cref="Inertia"/> move their points here.</summary>
    public Device Device => centroids.device;
    /// <summary>The inertia of each Lloyd iteration's assignment (empty for a loaded model).</summary>
    public IReadOnlyList<double> InertiaHistory { get; private set; } = Array.Empty<double>();
    /// <summary>Empty clusters re-seeded during the fit.</summary>
    public int Reseeded { get; private set; }
    /// <summary>Rows per chunk for the distance computation (at most <see cref="KMeansConfig.ChunkElements"/> distances at a time).</summary>
    private long chunkElements = 1L << 22;

    /// <summary>
    /// Clusters x (N, D) into <see cref="KMeansConfig.Clusters"/> groups. <paramref name="init"/> (K, D), when given,
    /// replaces the k-means++ seeding (tests use it to force an empty cluster). <paramref name="progress"/> is told
    /// about every Lloyd iteration. The fit runs on the device of <paramref name="x"/>, and the centroids stay there.
    /// </summary>
    public static KMeans Fit(Tensor x, KMeansConfig config, Tensor? init = null, IProgress<KMeansIteration>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        config.Validate();
        if (x.dim() != 2) throw new ArgumentException($"k-means takes points (N, D), got [{string.Join(", ", x.shape)}]", nameof(x));
        long n = x.size(0), d = x.size(1), k = config.Clusters;
        if (n < k) throw new ArgumentException($"k-means with {k} clusters needs at least {k} points, got {n}", nameof(x));
        if (!x.is_floating_point()) throw new ArgumentException($"points must be floating point, got {x.dtype}", nameof(x));
        if (init is not null && (init.dim() != 2 || init.size(0) != k || init.size(1) != d))
            throw new ArgumentException($"init must be (K, D) = ({k}, {d}), got [{string.Join(", ", init.shape)}]", nameof(init));

        var model = new KMeans(k, d) { chunkElements = config.ChunkElements };
        model.to(x.device);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var points = x.to(ScalarType.Float32).contiguous();
        {
            using var finite = points.isfinite().all();
            if (finite.item() == 0) throw new ArgumentException("points contain NaN or infinity", nameof(x));
        }
        var rng = new Random(config.Seed);
        var c = init is not null ? init.to(points.device, ScalarType.Float32).clone() : PlusPlus(points, (int)k, config, rng);
        model.centroids.copy_(c);

        var history = new List<double>();
        var distances = torch.empty(new[] { n }, device: points.device);                                           // (N) squared distance to the nearest centre
        for (int it = 0; it < config.MaxIterations; it++)
        {
            using var step = torch.NewDisposeScope();
            var sums = torch.zeros(new[] { k, d }, ScalarType.Float64, points.device);          // (K, D)
            var counts = torch.zeros(new[] { k }, ScalarType.Float64, points.device);          // (K)
            double inertia = 0;
            foreach (var (start, rows) in model.Chunks(n))
            {
                using var chunkScope = torch.NewDisposeScope();
                var xc = points.narrow(0, start, rows);                                // (n, D)
                var (ids, d2) = model.Nearest(xc);                                     // (n), (n)
                distances.narrow(0, start, rows).copy_(d2);
                sums.scatter_add_(0, ids.unsqueeze(1).expand(rows, d), xc.to(ScalarType.Float64));
                counts.scatter_add_(0, ids, torch.ones(new[] { rows }, ScalarType.Float64, points.device));
                inertia += d2.sum(new long[] { 0 }).to(ScalarType.Float64).item();
            }
            history.Add(inertia);
            var empty = counts.eq(0);                                                  // (K)
            var means = (sums / counts.clamp_min(1).unsqueeze(1)).to(ScalarType.Float32); // (K, D)
            var updated = torch.where(empty.unsqueeze(1), model.centroids, means);
            int reseeded = (int)empty.sum().item();
            if (reseeded > 0)
            {
                // Each empty cluster takes one of the points farthest from their centres (distinct points).
                var far = distances.topk(reseeded).indices;                              // (E)
                var slots = empty.nonzero().view(-1);                                      // (E)
                updated.index_copy_(0, slots, points.index_select(0, far));
            }
            model.centroids.copy_(updated);
            model.Reseeded += reseeded;
            progress?.Report(new KMeansIteration(it, inertia, reseeded));
            if (reseeded == 0 && history.Count >= 2 && history[^2] - inertia <= config.Tolerance * Math.Max(history[^2], 1e-30)) break;
        }
        model.InertiaHistory = history;
        return model;
    }

    /// <summary>Carries the fit's history over to a copy of these centroids.</summary>
    internal void InertiaHistoryFrom(KMeans other)
    {
        InertiaHistory = other.InertiaHistory;
        Reseeded = other.Reseeded;
    }

    /// <summary>Cluster of each point: x (..., D) → (...) int64.</summary>
    public Tensor Assign(Tensor x)
    {
        CheckPoints(x);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var shape = x.shape;
        var flat = x.reshape(-1, Dim).to(Device, ScalarType.Float32);                 // (N, D)
        long n = flat.size(0);
        var ids = torch.empty(new[] { n }, ScalarType.Int64, Device);
        foreach (var (start, rows) in Chunks(n))
        {
            using var chunkScope = torch.NewDisposeScope();
            ids.narrow(0, start, rows).copy_(Nearest(flat.narrow(0, start, rows)).ids);
        }
        return ids.view(shape[..^1]).MoveToOuterDisposeScope();
    }

    /// <summary>Σ ‖x − c(x)‖² over the points x (N, D) or (..., D).</summary>
    public double Inertia(Tensor x)
    {
        CheckPoints(x);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var flat = x.reshape(-1, Dim).to(Device, ScalarType.Float32);
        double total = 0;
        foreach (var (start, rows) in Chunks(flat.size(0)))
        {
            using var chunkScope = torch.NewDisposeScope();
            total += Nearest(flat.narrow(0, start, rows)).d2.to(ScalarType.Float64).sum().item();
        }
        return total;
    }

    /// <summary>Nearest centre of each row of x (n, D): ids (n) and squared distances (n), clamped at 0.</summary>
    private (Tensor ids, Tensor d2) Nearest(Tensor x)
    {
        var cc = centroids.pow(2).sum(1);                                              // (K)
        var score = cc - 2 * x.matmul(centroids.t());                                  // (n, K): ‖c‖² − 2 x·c
        var (best, ids) = score.min(1);                                                // (n)
        var d2 = (best + x.pow(2).sum(1)).clamp_min(0);                                // (n)
        return (ids, d2);
    }

    private IEnumerable<(long start, long rows)> Chunks(long n)
    {
        long size = Math.Max(1, chunkElements / Clusters);
        for (long s = 0; s < n; s += size) yield return (s, Math.Min(size, n - s));
    }

    private void CheckPoints(Tensor x)
    {
        if (x.dim() < 1 || x.size(-1) != Dim)
            throw new ArgumentException($"points must be (..., {Dim}), got [{string.Join(", ", x.shape)}]", nameof(x));
    }

    /// <summary>
    /// Greedy k-means++ on a random subsample: each new centre is the best (lowest potential) of a few candidates drawn
    /// with probability ∝ D(x)², the squared distance to the nearest centre chosen so far.
    /// </summary>
    private static Tensor PlusPlus(Tensor points, int k, KMeansConfig config, Random rng)
    {
        using var scope = torch.NewDisposeScope();
        long n = points.size(0);
        int m = (int)Math.Min(n, Math.Max(config.InitSamples, 4L * k));
        var sample = m == n ? points : points.index_select(0, torch.tensor(Subsample(n, m, rng)).to(points.device));   // (M, D)
        int trials = config.LocalTrials ?? 2 + (int)Math.Log(k);
        var sq = sample.pow(2).sum(1);                                                 // (M)
        var chosen = new long[k];
        chosen[0] = rng.Next(m);
        var closest = SquaredDistances(sample, sq, new[] { chosen[0] }).squeeze(0);    // (M)
        var cumulative = new double[m];
        for (int i = 1; i < k; i++)
        {
            var weights = closest.ToArray<float>();
            double total = 0;
            for (int j = 0; j < m; j++) { total += weights[j]; cumulative[j] = total; }
            var candidates = new long[trials];
            for (int t = 0; t < trials; t++)
                candidates[t] = total > 0 ? Search(cumulative, rng.NextDouble() * total) : rng.Next(m);
            using var step = torch.NewDisposeScope();
            var d2 = SquaredDistances(sample, sq, candidates);                         // (L, M)
            var potential = torch.minimum(d2, closest.unsqueeze(0));                    // (L, M)
            var best = (int)potential.sum(1).argmin().item();
            chosen[i] = candidates[best];
            closest.copy_(potential[best]);
        }
        return sample.index_select(0, torch.tensor(chosen).to(sample.device)).MoveToOuterDisposeScope();   // (K, D)
    }

    /// <summary>Squared distances (L, M) from the rows <paramref name="rows"/> of sample (M, D) to every row.</summary>
    private static Tensor SquaredDistances(Tensor sample, Tensor sq, long[] rows)
    {
        using var scope = torch.NewDisposeScope();
        var idx = torch.tensor(rows).to(sample.device);
        var c = sample.index_select(0, idx);                                           // (L, D)
        var d2 = sq.index_select(0, idx).unsqueeze(1) - 2 * c.matmul(sample.t()) + sq.unsqueeze(0);
        return d2.clamp_min(0).MoveToOuterDisposeScope();                              // (L, M)
    }

    /// <summary>m distinct indices of [0, n) (a partial Fisher–Yates shuffle), sorted.</summary>
    private static long[] Subsample(long n, int m, Random rng)
    {
        var idx = new long[n];
        for (long i = 0; i < n; i++) idx[i] = i;
        for (int i = 0; i < m; i++)
        {
            long j = i + rng.NextInt64(n - i);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        var r = idx[..m];
        Array.Sort(r);
        return r;
    }

    /// <summary>The first index whose cumulative weight exceeds u.</summary>
    private static long Search(double[] cumulative, double u)
    {
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    protected override string ExtraRepr() => $"clusters={Clusters}, dim={Dim}";
}
