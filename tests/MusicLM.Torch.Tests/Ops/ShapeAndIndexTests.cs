using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

public class ShapeAndIndexTests
{
    static Tensor M() => T(new double[] { 0, 1, 2, 3, 4, 5 }, 2, 3); // [[0 1 2] [3 4 5]]

    [Fact]
    public void Cat_and_stack_join_along_the_given_dim()
    {
        using var scope = torch.NewDisposeScope();
        var a = M();
        var b = a + 10.0;
        var c0 = torch.cat(new[] { a, b });
        Shape(c0, 4, 3);
        Close(new double[] { 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15 }, c0);
        var c1 = torch.cat(new[] { a, b }, 1);
        Shape(c1, 2, 6);
        Close(new double[] { 0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15 }, c1);
        var s0 = torch.stack(new[] { a, b });
        Shape(s0, 2, 2, 3);
        Close(new double[] { 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15 }, s0);
        var s2 = torch.stack(new[] { a, b }, 2);
        Shape(s2, 2, 3, 2);
        Close(new double[] { 0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15 }, s2);
    }

    [Fact]
    public void Split_chunk_narrow_and_unbind_cut_pieces()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(0, 1, 2, 3, 4, 5, 6);
        var p = x.split(3);
        Assert.Equal(3, p.Length);
        Close(new double[] { 0, 1, 2 }, p[0]);
        Close(new double[] { 3, 4, 5 }, p[1]);
        Close(new double[] { 6 }, p[2]);
        var q = x.split(new long[] { 2, 5 });
        Close(new double[] { 0, 1 }, q[0]);
        Close(new double[] { 2, 3, 4, 5, 6 }, q[1]);
        var c = x.chunk(3);
        Assert.Equal(3, c.Length);
        Close(new double[] { 0, 1, 2 }, c[0]);
        Close(new double[] { 6 }, c[2]);
        var cols = M().chunk(3, 1);
        Close(new double[] { 1, 4 }, cols[1]);
        Close(new double[] { 2, 3, 4 }, x.narrow(0, 2, 3));
        Close(new double[] { 1, 2, 4, 5 }, M().narrow(1, 1, 2));
        var rows = M().unbind();
        Close(new double[] { 3, 4, 5 }, rows[1]);
        // A narrow view writes through to its base.
        var n = x.narrow(0, 1, 2);
        n.fill_(-1);
        Close(new double[] { 0, -1, -1, 3, 4, 5, 6 }, x);
    }

    [Fact]
    public void Index_select_gather_scatter_and_scatter_add_move_elements()
    {
        using var scope = torch.NewDisposeScope();
        var m = M();
        Close(new double[] { 3, 4, 5, 0, 1, 2, 3, 4, 5 }, m.index_select(0, torch.tensor(new long[] { 1, 0, 1 })));
        Close(new double[] { 2, 0, 5, 3 }, m.index_select(1, torch.tensor(new long[] { 2, 0 })));
        // gather dim 1: out[i][j] = m[i][idx[i][j]]
        var idx = torch.tensor(new long[] { 2, 0, 1, 1 }, 2, 2);
        Close(new double[] { 2, 0, 4, 4 }, m.gather(1, idx));
        // gather dim 0: out[i][j] = m[idx[i][j]][j]
        Close(new double[] { 3, 1, 0, 4 }, m.gather(0, torch.tensor(new long[] { 1, 0, 0, 1 }, 2, 2)));
        // scatter dim 1: out[i][idx[i][j]] = src[i][j]
        var src = T(new double[] { 10, 20, 30, 40 }, 2, 2);
        var z = torch.zeros(new long[] { 2, 3 }, ScalarType.Float64);
        Close(new double[] { 20, 0, 10, 0, 30, 0 }, z.scatter(1, torch.tensor(new long[] { 2, 0, 1, 1 }, 2, 2), T(new double[] { 10, 20, 0, 30 }, 2, 2)));
        // scatter_add sums repeated targets.
        Close(new double[] { 20, 0, 10, 0, 70, 0 }, z.scatter_add(1, idx, src));
        Close(new double[] { 0, 0, 0, 0, 0, 0 }, z); // out of place leaves z alone
        z.scatter_add_(1, idx, src);
        Close(new double[] { 20, 0, 10, 0, 70, 0 }, z);
        z.scatter_(1, idx, src);
        Close(new double[] { 20, 0, 10, 0, 40, 0 }, z);
    }

    [Fact]
    public void Repeat_expand_flip_and_roll_rearrange_elements()
    {
        using var scope = torch.NewDisposeScope();
        var r = T(1, 2).repeat(2, 3);
        Shape(r, 2, 6);
        Close(new double[] { 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2 }, r);
        var e = T(new double[] { 1, 2 }, 2, 1).expand(2, 3);
        Shape(e, 2, 3);
        Close(new double[] { 1, 1, 1, 2, 2, 2 }, e);
        Assert.Equal(new long[] { 1, 0 }, e.stride()); // a view, no copy
        Shape(T(7).expand(-1), 1);
        Close(new double[] { 2, 1, 0, 5, 4, 3 }, M().flip(1));
        Close(new double[] { 5, 4, 3, 2, 1, 0 }, M().flip(0, 1));
        Close(new double[] { 4, 5, 0, 1, 2, 3 }, T(0, 1, 2, 3, 4, 5).roll(2, 0));
        Close(new double[] { 1, 2, 3, 4, 5, 0 }, T(0, 1, 2, 3, 4, 5).roll(-1, 0));
        Close(new double[] { 2, 0, 1, 5, 3, 4 }, M().roll(1, 1));
        Close(new double[] { 5, 3, 4, 2, 0, 1 }, M().roll(new long[] { 1, 1 }, new long[] { 0, 1 }));
    }

    [Fact]
    public void Reshape_view_permute_transpose_squeeze_and_unsqueeze_keep_the_row_major_order()
    {
        using var scope = torch.NewDisposeScope();
        var m = M();
        var r = m.reshape(3, 2);
        Shape(r, 3, 2);
        Close(new double[] { 0, 1, 2, 3, 4, 5 }, r);
        Shape(m.reshape(-1), 6);
        Shape(m.view(3, -1), 3, 2);
        var t = m.transpose(0, 1);
        Shape(t, 3, 2);
        Close(new double[] { 0, 3, 1, 4, 2, 5 }, t);
        Assert.False(t.is_contiguous());
        var tc = t.contiguous();
        Assert.True(tc.is_contiguous());
        Close(new double[] { 0, 3, 1, 4, 2, 5 }, tc.view(6));
        Close(new double[] { 0, 3, 1, 4, 2, 5 }, m.t());
        var x = torch.arange(24).reshape(2, 3, 4);
        var p = x.permute(2, 0, 1);
        Shape(p, 4, 2, 3);
        // p[k, i, j] = x[i, j, k] = 12 i + 4 j + k
        var pv = p.ToArray<long>();
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    Assert.Equal(12 * i + 4 * j + k, pv[6 * k + 3 * i + j]);
        var u = m.unsqueeze(0);
        Shape(u, 1, 2, 3);
        Shape(m.unsqueeze(-1), 2, 3, 1);
        Shape(u.squeeze(), 2, 3);
        Shape(u.squeeze(0), 2, 3);
        Shape(u.squeeze(1), 1, 2, 3); // size 2: unchanged
        Shape(torch.zeros(1, 3, 1).squeeze(), 3);
        Shape(x.flatten(1), 2, 12);
        // view shares memory with its base.
        var v = m.view(6);
        v[0] = torch.tensor(42.0, ScalarType.Float64);
        Assert.Equal(42.0, m[0, 0].item());
    }

    [Fact]
    public void Indexing_with_integers_ranges_None_Ellipsis_masks_and_index_tensors()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(0, 1, 2, 3, 4, 5);
        Close(new double[] { 1, 2 }, x[1..3]);
        Close(new double[] { 5 }, x[^1]);
        Shape(x[^1]);
        Close(new double[] { 4, 5 }, x[^2..]);
        Close(new double[] { 0, 1, 2, 3, 4 }, x[..^1]);
        Close(new double[] { 0, 2, 4 }, x[TensorIndex.Slice(null, null, 2)]);
        Close(new double[] { 1, 3 }, x[TensorIndex.Slice(1, 5, 2)]);

        var m = M();
        Close(new double[] { 3, 4, 5 }, m[1]);
        Assert.Equal(4.0, m[1, 1].item());
        Assert.Equal(5.0, m[^1, ^1].item());
        Close(new double[] { 1, 4 }, m[.., 1]);
        Close(new double[] { 1, 2, 4, 5 }, m[.., 1..]);
        Shape(m[TensorIndex.None], 1, 2, 3);
        Shape(m[.., TensorIndex.None], 2, 1, 3);
        Shape(m[TensorIndex.Ellipsis, TensorIndex.None], 2, 3, 1);
        Close(new double[] { 2, 5 }, m[TensorIndex.Ellipsis, 2]);
        Close(new double[] { 0, 1, 2, 3, 4, 5 }, m[TensorIndex.Colon]);

        var mask = m.gt(2.5);
        Close(new double[] { 3, 4, 5 }, m[mask]);
        Close(new double[] { 2, 0, 2 }, x[torch.tensor(new long[] { 2, 0, 2 })]);
        Close(new double[] { 3, 4, 5, 0, 1, 2 }, m[torch.tensor(new long[] { 1, 0 })]);
        Close(new double[] { 2, 3 }, m[torch.tensor(new long[] { 0, 1 }), torch.tensor(new long[] { 2, 0 })]);
    }

    [Fact]
    public void Index_assignment_writes_in_place()
    {
        using var scope = torch.NewDisposeScope();
        var m = M();
        m[0] = T(7, 8, 9);
        Close(new double[] { 7, 8, 9, 3, 4, 5 }, m);
        m[.., 1] = torch.tensor(-1.0, ScalarType.Float64);
        Close(new double[] { 7, -1, 9, 3, -1, 5 }, m);
        m[m.lt(0)] = torch.tensor(0.0, ScalarType.Float64);
        Close(new double[] { 7, 0, 9, 3, 0, 5 }, m);
        m[1, 1..] = T(10, 20);
        Close(new double[] { 7, 0, 9, 3, 10, 20 }, m);
        var x = T(0, 0, 0, 0);
        x[torch.tensor(new long[] { 3, 1 })] = T(5, 6);
        Close(new double[] { 0, 6, 0, 5 }, x);
        x[^1] = torch.tensor(1.0, ScalarType.Float64);
        Close(new double[] { 0, 6, 0, 1 }, x);
    }
}
