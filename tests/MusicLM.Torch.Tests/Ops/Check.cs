using MusicLM.Torch;

namespace MusicLM.Torch.Tests;

/// <summary>Assertions on tensor values and a finite-difference gradient check, shared by the operation tests.</summary>
internal static class Check
{
    /// <summary>The elements as float64, whatever the dtype (the copy is tracked by the current dispose scope).</summary>
    public static double[] D(Tensor t) => t.to(ScalarType.Float64).ToArray<double>();

    public static Tensor T(params double[] v) => torch.tensor(v);
    public static Tensor T(double[] v, params long[] shape) => torch.tensor(v, shape);

    public static void Shape(Tensor t, params long[] expected) => Assert.Equal(expected, t.shape);

    public static void Close(double[] expected, Tensor actual, double tol = 1e-6)
    {
        var a = D(actual);
        Close(expected, a, tol);
    }

    public static void Close(double[] expected, double[] actual, double tol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e)) { Assert.True(double.IsNaN(a), $"element {i}: expected NaN, got {a}"); continue; }
            if (double.IsInfinity(e)) { Assert.Equal(e, a); continue; }
            Assert.True(Math.Abs(e - a) <= tol * Math.Max(1.0, Math.Abs(e)), $"element {i}: expected {e}, got {a} (tolerance {tol})");
        }
    }

    /// <summary>Element-wise map in plain C#, the reference for unary operations.</summary>
    public static double[] Map(double[] x, Func<double, double> f) => x.Select(f).ToArray();

    /// <summary>erf by its Taylor series (|x| ≤ 3 keeps it accurate to ~1e-13), since .NET has none.</summary>
    public static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.Abs(t) < 1e-17) break;
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Deterministic pseudo-random doubles in [lo, hi) from a seeded System.Random.</summary>
    public static double[] Rand(int n, int seed, double lo = -1, double hi = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
    }

    /// <summary>A float64 leaf requiring grad.</summary>
    public static Tensor Leaf(double[] v, params long[] shape) => torch.tensor(v, shape).requires_grad_();

    /// <summary>
    /// Compares the gradients that backward() computes for every input with central differences
    /// (eps 1e-6) of L = Σ w ⊙ f(inputs), with fixed pseudo-random weights w so the whole Jacobian is
    /// exercised. Inputs must be float64 leaves with requires_grad. Complex outputs are not supported.
    /// </summary>
    public static void GradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs) => GradCheck(f, 1e-5, inputs);

    public static void GradCheck(Func<Tensor[], Tensor> f, double tol, params Tensor[] inputs)
    {
        const double eps = 1e-6;
        foreach (var x in inputs)
        {
            Assert.Equal(ScalarType.Float64, x.dtype);
            Assert.True(x.requires_grad);
            x.grad = null;
        }
        double[] w;
        long[] outShape;
        using (var s = torch.NewDisposeScope())
        {
            var y = f(inputs);
            Assert.Equal(ScalarType.Float64, y.dtype);
            outShape = y.shape;
            w = Rand((int)y.numel(), 12345, 0.5, 1.5);
            var loss = (y * torch.tensor(w, outShape)).sum();
            loss.backward();
        }
        double Loss()
        {
            using var s = torch.NewDisposeScope();
            using var ng = torch.no_grad();
            var y = f(inputs);
            return (y * torch.tensor(w, outShape)).sum().item();
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            double[] analytic;
            using (var g = x.grad)
            {
                Assert.NotNull(g);
                analytic = D(g!);
            }
            var shape = x.shape;
            double[] data;
            using (var c = x.detach()) data = c.ToArray<double>();
            var numeric = new double[data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                double v = data[i];
                data[i] = v + eps;
                Set(x, data, shape);
                double lp = Loss();
                data[i] = v - eps;
                Set(x, data, shape);
                double lm = Loss();
                data[i] = v;
                Set(x, data, shape);
                numeric[i] = (lp - lm) / (2 * eps);
            }
            for (int i = 0; i < data.Length; i++)
                Assert.True(Math.Abs(analytic[i] - numeric[i]) <= tol * Math.Max(1.0, Math.Abs(numeric[i])),
                    $"input {k} element {i}: backward gives {analytic[i]}, finite differences {numeric[i]}");
        }
    }

    private static void Set(Tensor x, double[] data, long[] shape)
    {
        using var ng = torch.no_grad();
        using var src = torch.tensor(data, shape);
        x.copy_(src);
    }
}
