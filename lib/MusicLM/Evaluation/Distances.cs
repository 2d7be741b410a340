namespace MusicLM.Evaluation;

/// <summary>
/// Distances between two sets of clips, each clip an embedding vector (the standardised <see cref="EvaluationFeatures"/>
/// in the course): the Fréchet distance of Gaussians fitted to each set (FAD's, Kilgour et al. 2019), its
/// extrapolation to infinitely many clips (FD∞, Chong &amp; Forsyth 2020: the estimate is biased upwards by a term
/// ∝ 1/N, so it is measured at several N and the line is followed to 1/N = 0), and the kernel distance (KID,
/// Bińkowski et al. 2018: an unbiased MMD² with the cubic polynomial kernel, near 0 for samples of one distribution
/// at any N).
/// </summary>
public static class Distances
{
    /// <summary>‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½); exactly 0 for identical sets.</summary>
    public static double Frechet(IReadOnlyList<double[]> a, IReadOnlyList<double[]> b)
    {
        Check(a, b, 2);
        var (m1, s1) = Moments(a);
        var (m2, s2) = Moments(b);
        var d = m1.Length;
        double mean = 0;
        for (var i = 0; i < d; i++) mean += (m1[i] - m2[i]) * (m1[i] - m2[i]);
        // tr((Σ₁Σ₂)^½) = Σ √λ of Σ₁^½ Σ₂ Σ₁^½ (symmetric, positive semi-definite).
        var root1 = SymmetricSqrt(s1);
        var inner = Multiply(Multiply(root1, s2), root1);
        var traceRoot = Eigenvalues(inner).Sum(l => Math.Sqrt(Math.Max(l, 0)));
        double trace = 0;
        for (var i = 0; i < d; i++) trace += s1[i, i] + s2[i, i];
        return Math.Max(0, mean + trace - 2 * traceRoot);
    }

    /// <summary>
    /// FD∞: the Fréchet distance measured on random subsets of <paramref name="sizes"/> clips of each set (default: 6
    /// sizes from a third of the smaller set to all of it), averaged over <paramref name="draws"/> draws per size,
    /// fitted by a line in 1/N and read at 1/N = 0. Never below 0 (a distance); noisy for small sets, as any
    /// extrapolation is: quote it with the plain <see cref="Frechet"/> beside it.
    /// </summary>
    public static double FrechetInfinity(IReadOnlyList<double[]> a, IReadOnlyList<double[]> b, IReadOnlyList<int>? sizes = null, int seed = 0, int draws = 10)
    {
        Check(a, b, 6);
        var n = Math.Min(a.Count, b.Count);
        sizes ??= Enumerable.Range(0, 6).Select(k => (int)Math.Round(n / 3.0 + k * (n * 2 / 3.0) / 5)).Distinct().ToList();
        if (sizes.Count < 2 || sizes.Any(s => s < 2 || s > n)) throw new ArgumentException($"give at least two subset sizes in [2, {n}]");
        var rng = new Random(seed);
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var size in sizes)
        {
            xs.Add(1.0 / size);
            var sum = 0.0;
            for (var k = 0; k < draws; k++) sum += Frechet(Subset(a, size, rng), Subset(b, size, rng));
            ys.Add(sum / draws);
        }
        double mx = xs.Average(), my = ys.Average(), sxy = 0, sxx = 0;
        for (var i = 0; i < xs.Count; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx); }
        var slope = sxx > 0 ? sxy / sxx : 0;
        return Math.Max(0, my - slope * mx);
    }

    /// <summary>Unbiased MMD² with k(x, y) = (x·y / d + 1)³: about 0 (it can be slightly negative) for two samples of one distribution; grows with a shift.</summary>
    public static double Kernel(IReadOnlyList<double[]> a, IReadOnlyList<double[]> b)
    {
        Check(a, b, 2);
        var d = a[0].Length;
        double K(double[] x, double[] y)
        {
            double s = 0;
            for (var i = 0; i < d; i++) s += x[i] * y[i];
            return Math.Pow(s / d + 1, 3);
        }
        double Within(IReadOnlyList<double[]> x)
        {
            double s = 0;
            for (var i = 0; i < x.Count; i++) for (var j = 0; j < x.Count; j++) if (i != j) s += K(x[i], x[j]);
            return s / (x.Count * (x.Count - 1.0));
        }
        double cross = 0;
        foreach (var x in a) foreach (var y in b) cross += K(x, y);
        return Within(a) + Within(b) - 2 * cross / (a.Count * (double)b.Count);
    }

    private static void Check(IReadOnlyList<double[]> a, IReadOnlyList<double[]> b, int min)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count < min || b.Count < min) throw new ArgumentException($"each set needs at least {min} clips, got {a.Count} and {b.Count}");
        var d = a[0].Length;
        if (d == 0 || a.Concat(b).Any(v => v.Length != d)) throw new ArgumentException("every embedding must have the same, non-zero length");
    }

    private static List<double[]> Subset(IReadOnlyList<double[]> x, int size, Random rng) =>
        x.Select(v => (v, k: rng.NextDouble())).OrderBy(t => t.k).Take(size).Select(t => t.v).ToList();

    private static (double[] Mean, double[,] Covariance) Moments(IReadOnlyList<double[]> x)
    {
        int n = x.Count, d = x[0].Length;
        var mean = new double[d];
        foreach (var v in x) for (var i = 0; i < d; i++) mean[i] += v[i] / n;
        var cov = new double[d, d];
        foreach (var v in x)
            for (var i = 0; i < d; i++)
            {
                var di = v[i] - mean[i];
                for (var j = i; j < d; j++) cov[i, j] += di * (v[j] - mean[j]);
            }
        for (var i = 0; i < d; i++) for (var j = i; j < d; j++) { cov[i, j] /= n - 1; cov[j, i] = cov[i, j]; }
        return (mean, cov);
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1), k = a.GetLength(1);
        var c = new double[n, m];
        for (var i = 0; i < n; i++)
            for (var t = 0; t < k; t++)
            {
                var v = a[i, t];
                if (v == 0) continue;
                for (var j = 0; j < m; j++) c[i, j] += v * b[t, j];
            }
        return c;
    }

    /// <summary>The symmetric square root V diag(√λ) Vᵀ of a symmetric positive semi-definite matrix.</summary>
    private static double[,] SymmetricSqrt(double[,] s)
    {
        var (values, vectors) = Jacobi(s);
        var d = values.Length;
        var r = new double[d, d];
        for (var k = 0; k < d; k++)
        {
            var l = Math.Sqrt(Math.Max(values[k], 0));
            if (l == 0) continue;
            for (var i = 0; i < d; i++)
            {
                var vi = vectors[i, k] * l;
                for (var j = 0; j < d; j++) r[i, j] += vi * vectors[j, k];
            }
        }
        return r;
    }

    private static double[] Eigenvalues(double[,] s) => Jacobi(s).Values;

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.</summary>
    private static (double[] Values, double[,] Vectors) Jacobi(double[,] input)
    {
        var d = input.GetLength(0);
        var a = (double[,])input.Clone();
        var v = new double[d, d];
        for (var i = 0; i < d; i++) v[i, i] = 1;
        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (var i = 0; i < d; i++) { diag += a[i, i] * a[i, i]; for (var j = i + 1; j < d; j++) off += a[i, j] * a[i, j]; }
            if (off <= 1e-22 * Math.Max(diag, 1e-300)) break;
            for (var p = 0; p < d - 1; p++)
                for (var q = p + 1; q < d; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300) continue;
                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < d; k++)
                    {
                        var akp = a[k, p]; var akq = a[k, q];
                        a[k, p] = c * akp - s * akq; a[k, q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < d; k++)
                    {
                        var apk = a[p, k]; var aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk; a[q, k] = s * apk + c * aqk;
                    }
                    for (var k = 0; k < d; k++)
                    {
                        var vkp = v[k, p]; var vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq; v[k, q] = s * vkp + c * vkq;
                    }
                }
        }
        var values = new double[d];
        for (var i = 0; i < d; i++) values[i] = a[i, i];
        return (values, v);
    }
}
