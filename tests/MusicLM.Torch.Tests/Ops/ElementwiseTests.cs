using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

public class ElementwiseTests
{
    static readonly double[] A = { 1, 2, 3, 4, 5, 6 };   // (2, 3)
    static readonly double[] B = { 10, 20, 30 };         // (3), broadcast over rows

    static double[] Broadcast(Func<double, double, double> f) =>
        Enumerable.Range(0, 6).Select(i => f(A[i], B[i % 3])).ToArray();

    [Fact]
    public void Arithmetic_broadcasts_a_row_over_a_matrix()
    {
        using var scope = torch.NewDisposeScope();
        var a = T(A, 2, 3);
        var b = T(B);
        Close(Broadcast((x, y) => x + y), a + b);
        Close(Broadcast((x, y) => x - y), a - b);
        Close(Broadcast((x, y) => x * y), a * b);
        Close(Broadcast((x, y) => x / y), a / b);
        Close(Broadcast((x, y) => y - x), b - a);
        Close(Broadcast((x, y) => x + 2 * y), a.add(b, alpha: 2));
        Close(Broadcast((x, y) => x - 0.5 * y), a.sub(b, alpha: 0.5));
        Close(Map(A, x => Math.Max(x, 3.5)), a.maximum(T(3.5)));
        Close(Broadcast(Math.Min), a.minimum(b));
        Shape(a + b, 2, 3);
        // A column (2, 1) against a row (3) broadcasts to (2, 3).
        var col = T(new double[] { 100, 200 }, 2, 1);
        Close(new double[] { 110, 120, 130, 210, 220, 230 }, col + b);
    }

    [Fact]
    public void Scalars_work_on_both_sides()
    {
        using var scope = torch.NewDisposeScope();
        var a = T(A, 2, 3);
        Close(Map(A, x => x + 2.5), a + 2.5);
        Close(Map(A, x => 2.5 + x), 2.5 + a);
        Close(Map(A, x => x - 1.5), a - 1.5);
        Close(Map(A, x => 10 - x), 10.0 - a);
        Close(Map(A, x => x * 3), a * 3.0);
        Close(Map(A, x => 3 * x), 3.0 * a);
        Close(Map(A, x => x / 4), a / 4.0);
        Close(Map(A, x => 12 / x), 12.0 / a);
        Close(Map(A, x => x % 4), a % 4.0);
        Close(Map(A, x => -x), -a);
        Close(Map(A, x => Math.Pow(x, 1.5)), a.pow(1.5));
        Close(Map(A, x => Math.Pow(x, x)), a.pow(a));
    }

    [Fact]
    public void Integer_tensors_stay_integer_with_integer_scalars()
    {
        using var scope = torch.NewDisposeScope();
        var i64 = torch.tensor(new long[] { 1, 2, 3, 7 });
        var i32 = torch.tensor(new int[] { 1, 2, 3, 7 });
        foreach (var (t, dt) in new[] { (i64, ScalarType.Int64), (i32, ScalarType.Int32) })
        {
            var sum = t + 2;
            Assert.Equal(dt, sum.dtype);
            Close(new double[] { 3, 4, 5, 9 }, sum);
            var prod = 3 * t;
            Assert.Equal(dt, prod.dtype);
            Close(new double[] { 3, 6, 9, 21 }, prod);
            var rsub = 10 - t;
            Assert.Equal(dt, rsub.dtype);
            Close(new double[] { 9, 8, 7, 3 }, rsub);
            var sub = t - 1;
            Assert.Equal(dt, sub.dtype);
            Close(new double[] { 0, 1, 2, 6 }, sub);
            var rem = t % 3;
            Assert.Equal(dt, rem.dtype);
            Close(new double[] { 1, 2, 0, 1 }, rem);
            var fd = t.floor_divide(2);
            Assert.Equal(dt, fd.dtype);
            Close(new double[] { 0, 1, 1, 3 }, fd);
            // A fractional scalar promotes to the default float dtype, true division too, as in PyTorch.
            var half = t + 0.5;
            Assert.Equal(ScalarType.Float32, half.dtype);
            Close(new double[] { 1.5, 2.5, 3.5, 7.5 }, half);
            var div = t / 2.0;
            Assert.Equal(ScalarType.Float32, div.dtype);
            Close(new double[] { 0.5, 1, 1.5, 3.5 }, div);
        }
        Assert.Equal(new long[] { 2, 4, 6, 14 }, (i64 + i64).ToArray<long>());
        Assert.Equal(new long[] { 3, 6, 9, 21 }, i64.add(i64, alpha: 2).ToArray<long>());
        Assert.Equal(new long[] { -1, -2, -3, -7 }, i64.sub(i64, alpha: 2).ToArray<long>());
        var inPlace = torch.tensor(new long[] { 1, 2 });
        inPlace.add_(5).mul_(3).sub_(1);
        inPlace.add_(torch.tensor(new long[] { 1, 1 }), alpha: 2);
        Assert.Equal(ScalarType.Int64, inPlace.dtype);
        Assert.Equal(new long[] { 19, 22 }, inPlace.ToArray<long>());
    }

    [Fact]
    public void Matmul_and_bmm_match_hand_products()
    {
        using var scope = torch.NewDisposeScope();
        var a = T(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = T(new double[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        Close(new double[] { 58, 64, 139, 154 }, a.matmul(b));
        Close(new double[] { 58, 64, 139, 154 }, a.mm(b));
        Close(new double[] { 1 * 1 + 2 * 2 + 3 * 3, 4 * 1 + 5 * 2 + 6 * 3 }, a.matmul(T(1, 2, 3)));
        Close(new double[] { 32 }, T(1, 2, 3).dot(T(4, 5, 6)));
        Close(new double[] { 4, 5, 8, 10 }, T(1, 2).outer(T(4, 5)));
        // Batch: second batch is the first times 2, so its products are times 4.
        var ab = torch.stack(new[] { a, a * 2.0 });
        var bb = torch.stack(new[] { b, b * 2.0 });
        var r = ab.bmm(bb);
        Shape(r, 2, 2, 2);
        Close(new double[] { 58, 64, 139, 154, 232, 256, 556, 616 }, r);
        // matmul broadcasts a batch of matrices against one matrix.
        Close(new double[] { 58, 64, 139, 154, 116, 128, 278, 308 }, ab.matmul(b));
    }

    [Fact]
    public void Einsum_computes_products_traces_and_outer_products()
    {
        using var scope = torch.NewDisposeScope();
        var a = T(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = T(new double[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        Close(new double[] { 58, 64, 139, 154 }, torch.einsum("ij,jk->ik", a, b));
        Close(new double[] { 1, 4, 2, 5, 3, 6 }, torch.einsum("ij->ji", a));
        Close(new double[] { 6, 15 }, torch.einsum("ij->i", a));
        var sq = T(new double[] { 1, 2, 3, 4 }, 2, 2);
        Close(new double[] { 5 }, torch.einsum("ii->", sq));
        Close(new double[] { 3, 4, 6, 8 }, torch.einsum("i,j->ij", T(1, 2), T(3, 4)));
        var ab = torch.stack(new[] { a, a * 2.0 });
        var bb = torch.stack(new[] { b, b });
        Close(new double[] { 58, 64, 139, 154, 116, 128, 278, 308 }, torch.einsum("bij,bjk->bik", ab, bb));
    }

    static readonly double[] X = { -2.5, -1, -0.3, 0, 0.4, 1, 2.2 };

    [Fact]
    public void Unary_math_matches_System_Math()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(X);
        var pos = T(0.25, 1, 2, 9);
        double[] P = { 0.25, 1, 2, 9 };
        Close(Map(X, Math.Exp), x.exp(), 1e-12);
        Close(Map(P, Math.Log), pos.log(), 1e-12);
        Close(Map(P, Math.Sqrt), pos.sqrt(), 1e-12);
        Close(Map(P, v => 1 / Math.Sqrt(v)), pos.rsqrt(), 1e-12);
        Close(Map(X, Math.Abs), x.abs(), 1e-12);
        Close(Map(X, Math.Sin), x.sin(), 1e-12);
        Close(Map(X, Math.Cos), x.cos(), 1e-12);
        Close(Map(X, Math.Tanh), x.tanh(), 1e-12);
        Close(Map(X, Sigmoid), x.sigmoid(), 1e-12);
        Close(Map(X, v => v * v), x.square(), 1e-12);
        Close(Map(X, v => Math.Pow(v, 2)), x.pow(2), 1e-12);
        // float32 gives the same values to single precision.
        var xf = x.to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, xf.exp().dtype);
        Close(Map(X, Math.Exp), xf.exp(), 1e-6);
    }

    [Fact]
    public void Activations_match_their_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(X);
        Close(Map(X, v => Math.Max(v, 0)), x.relu(), 1e-12);
        Close(Map(X, v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))), x.gelu(), 1e-12);
        Close(Map(X, v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))), x.gelu("tanh"), 1e-12);
        Close(Map(X, v => v > 0 ? v : Math.Exp(v) - 1), x.elu(), 1e-12);
        Close(Map(X, v => v > 0 ? v : 0.7 * (Math.Exp(v) - 1)), x.elu(0.7), 1e-12);
        Close(Map(X, v => v * Sigmoid(v)), x.silu(), 1e-12);
        Close(Map(X, v => v > 0 ? v : 0.01 * v), x.leaky_relu(), 1e-12);
        Close(Map(X, v => v > 0 ? v : 0.2 * v), x.leaky_relu(0.2), 1e-12);
        Close(Map(X, v => Math.Log(1 + Math.Exp(v))), x.softplus(), 1e-12);
        Close(Map(X, v => Math.Log(1 + Math.Exp(2 * v)) / 2), x.softplus(2), 1e-12);
        // Above the threshold softplus is the identity.
        Close(Map(X, v => 3 * v > 1 ? v : Math.Log(1 + Math.Exp(3 * v)) / 3), x.softplus(3, 1), 1e-12);
        Assert.Throws<ArgumentException>(() => x.gelu("erf"));
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_match_hand_values()
    {
        using var scope = torch.NewDisposeScope();
        double[] v = { 1, 2, 3, -1, 0, 4 };
        var x = T(v, 2, 3);
        var expected = new double[6];
        var expectedLog = new double[6];
        for (int r = 0; r < 2; r++)
        {
            double z = 0;
            for (int c = 0; c < 3; c++) z += Math.Exp(v[3 * r + c]);
            for (int c = 0; c < 3; c++)
            {
                expected[3 * r + c] = Math.Exp(v[3 * r + c]) / z;
                expectedLog[3 * r + c] = v[3 * r + c] - Math.Log(z);
            }
        }
        Close(expected, x.softmax(1), 1e-12);
        Close(expected, x.softmax(-1), 1e-12);
        Close(expectedLog, x.log_softmax(1), 1e-12);
        Close(new double[] { 1, 1 }, x.softmax(1).sum(1), 1e-12);
        // Over dim 0: columns.
        var col = new double[6];
        for (int c = 0; c < 3; c++)
        {
            double z = Math.Exp(v[c]) + Math.Exp(v[3 + c]);
            col[c] = Math.Exp(v[c]) / z;
            col[3 + c] = Math.Exp(v[3 + c]) / z;
        }
        Close(col, x.softmax(0), 1e-12);
        Close(Map(col, Math.Log), x.log_softmax(0), 1e-12);
        // Large logits do not overflow.
        Close(new double[] { 0.5, 0.5 }, T(1000, 1000).softmax(0), 1e-12);
    }

    [Fact]
    public void Clamp_where_masked_fill_triu_and_tril_select_the_right_elements()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(X);
        Close(Map(X, v => Math.Clamp(v, -1, 1)), x.clamp(-1, 1));
        Close(Map(X, v => Math.Max(v, 0.1)), x.clamp(min: 0.1));
        Close(Map(X, v => Math.Min(v, 0.1)), x.clamp(max: 0.1));
        Close(Map(X, v => Math.Max(v, 0.1)), x.clamp_min(0.1));
        // Whole-number bounds keep an integer tensor integer; fractional ones promote it.
        var ints = torch.tensor(new long[] { -7, 0, 3, 12 });
        var clamped = ints.clamp(0, 5);
        Assert.Equal(ScalarType.Int64, clamped.dtype);
        Assert.Equal(new long[] { 0, 0, 3, 5 }, clamped.ToArray<long>());
        Assert.Equal(ScalarType.Float32, ints.clamp(0.5, 5).dtype);

        var cond = x.gt(0);
        Assert.Equal(ScalarType.Bool, cond.dtype);
        Assert.Equal(X.Select(v => v > 0).ToArray(), cond.ToArray<bool>());
        var other = torch.full(new long[] { 7 }, 9.0, ScalarType.Float64);
        Close(Map(X, v => v > 0 ? v : 9), torch.where(cond, x, other));
        Close(Map(X, v => v > 0 ? -5 : v), x.masked_fill(cond, -5));
        // A broadcast mask fills whole columns.
        var m = T(A, 2, 3);
        var colMask = torch.tensor(new[] { true, false, true });
        Close(new double[] { 0, 2, 0, 0, 5, 0 }, m.masked_fill(colMask, 0));

        var sq = T(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 3, 3);
        Close(new double[] { 1, 2, 3, 0, 5, 6, 0, 0, 9 }, sq.triu());
        Close(new double[] { 0, 2, 3, 0, 0, 6, 0, 0, 0 }, sq.triu(1));
        Close(new double[] { 1, 0, 0, 4, 5, 0, 7, 8, 9 }, sq.tril());
        Close(new double[] { 0, 0, 0, 4, 0, 0, 7, 8, 0 }, sq.tril(-1));
        Close(new double[] { 1, 2, 3, 0, 5, 6, 0, 0, 9 }, torch.triu(sq));
    }

    [Fact]
    public void In_place_operations_change_the_tensor_and_its_views()
    {
        using var scope = torch.NewDisposeScope();
        var a = T(1, 2, 3, 4);
        var view = a.view(2, 2);
        Assert.Same(a, a.add_(T(1, 1, 1, 1)));
        Close(new double[] { 2, 3, 4, 5 }, view);
        a.add_(T(1, 2, 3, 4), alpha: 2);
        Close(new double[] { 4, 7, 10, 13 }, a);
        a.sub_(3.0);
        Close(new double[] { 1, 4, 7, 10 }, a);
        a.mul_(T(2, 1, 1, 0.5));
        Close(new double[] { 2, 4, 7, 5 }, a);
        a.mul_(2.0);
        Close(new double[] { 4, 8, 14, 10 }, a);
        a.div_(2.0);
        Close(new double[] { 2, 4, 7, 5 }, a);

        // addcmul_: a + v·t1·t2; addcdiv_: a + v·t1/t2
        var t1 = T(1, 2, 3, 4);
        var t2 = T(2, 2, 4, 8);
        a.addcmul_(t1, t2, 0.5);
        Close(new double[] { 2 + 1, 4 + 2, 7 + 6, 5 + 16 }, a);
        a.addcdiv_(t1, t2, 2);
        Close(new double[] { 3 + 1, 6 + 2, 13 + 1.5, 21 + 1 }, a);
        Close(new double[] { 4 + 0.5 * 2, 8 + 0.5 * 4, 14.5 + 0.5 * 12, 22 + 0.5 * 32 }, a.addcmul(t1, t2, 0.5));

        // lerp_: a + w·(end − a)
        var b = T(0, 10, 20, 30);
        b.lerp_(T(10, 10, 0, 30), 0.25);
        Close(new double[] { 2.5, 10, 15, 30 }, b);
        Close(new double[] { 5, 10, 10, 30 }, T(0, 10, 20, 30).lerp(T(10, 10, 0, 30), 0.5));

        b.copy_(T(9, 8, 7, 6));
        Close(new double[] { 9, 8, 7, 6 }, b);
        b.clamp_(7, 8);
        Close(new double[] { 8, 8, 7, 7 }, b);
        b.masked_fill_(T(1, 0, 0, 1).gt(0), -1);
        Close(new double[] { -1, 8, 7, -1 }, b);
        b.fill_(3.5);
        Close(new double[] { 3.5, 3.5, 3.5, 3.5 }, b);
        b.zero_();
        Close(new double[] { 0, 0, 0, 0 }, b);

        // copy_ converts dtype and broadcasts.
        var f = torch.zeros(new long[] { 2, 2 }, ScalarType.Float32);
        f.copy_(torch.tensor(new long[] { 5, 6 }));
        Close(new double[] { 5, 6, 5, 6 }, f);
        // An int tensor filled with an integer value stays exact.
        var big = torch.zeros(new long[] { 1 }, ScalarType.Int64);
        big.fill_(123456789012);
        Assert.Equal(123456789012L, big.ToArray<long>()[0]);
    }
}
