using MusicLM.Torch;
using MusicLM.Torch.nn;
using static MusicLM.Torch.Tests.Check;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

public class ErrorTests
{
    /// <summary>Runs a failing call, checks libtorch's message, and checks that ops still work afterwards.</summary>
    static void ThrowsTorch(Func<object> call, string messagePart)
    {
        var e = Assert.Throws<TorchException>(() => { call(); });
        Assert.Contains(messagePart, e.Message, StringComparison.OrdinalIgnoreCase);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(10.0, T(1, 2, 3, 4).sum().item());
    }

    [Fact]
    public void Libtorch_errors_become_TorchExceptions_with_libtorchs_message_and_the_process_keeps_working()
    {
        using var scope = torch.NewDisposeScope();
        var a = T(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        ThrowsTorch(() => a + T(1, 2), "must match the size");                                  // shape mismatch
        ThrowsTorch(() => a.matmul(a), "cannot be multiplied");
        ThrowsTorch(() => a[5], "out of bounds");                                               // bad index
        ThrowsTorch(() => a.index_select(0, torch.tensor(new long[] { 7 })), "out of range");
        ThrowsTorch(() => a.gather(1, T(0, 1)), "int64");                                       // dtype error: float index
        ThrowsTorch(() => a.mm(torch.ones(new long[] { 3, 2 }, ScalarType.Float32)), "scalar type");
        ThrowsTorch(() => a.sum(5), "Dimension out of range");                                  // bad dim
        ThrowsTorch(() => a.softmax(2), "Dimension out of range");
        ThrowsTorch(() => torch.cat(new[] { a, T(1, 2) }), "same number of dimensions");       // cat of mismatched shapes
        ThrowsTorch(() => torch.cat(new[] { a, T(new double[] { 1, 2, 3, 4 }, 2, 2) }), "Sizes of tensors must match");
        ThrowsTorch(() => a.t().view(6), "view size is not compatible");                        // view of non-contiguous data
        ThrowsTorch(() => a.reshape(4), "invalid for input of size 6");                         // reshape to a wrong count
        ThrowsTorch(() => a.view(5, -1), "invalid for input of size 6");
        ThrowsTorch(() => F.conv1d(a, T(1, 2, 3)), "");
        ThrowsTorch(() => F.cross_entropy(a, torch.tensor(new long[] { 0, 9 })), "out of bounds");
        ThrowsTorch(() => a.expand(3, 3), "expand");
        ThrowsTorch(() => T(1, 2).multinomial(3), "");                                          // more samples than categories without replacement
        // The bad tensor is not damaged either.
        Assert.Equal(21.0, a.sum().item());
    }

    [Fact]
    public void Autograd_errors_are_TorchExceptions()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(1, 2);
        ThrowsTorch(() => { x.sum().backward(); return 0; }, "does not require grad");
        var w = T(1, 2).requires_grad_();
        var y = (w * w).sum();
        y.backward();
        ThrowsTorch(() => { y.backward(); return 0; }, "second time");
        ThrowsTorch(() => { torch.ones(new long[] { 2 }, ScalarType.Int64).requires_grad_(); return 0; }, "floating point");
    }

    [Fact]
    public void A_disposed_tensor_throws_ObjectDisposedException()
    {
        var t = T(1, 2, 3);
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.sum());
        Assert.Throws<ObjectDisposedException>(() => t.shape);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<double>());
        using var u = T(1);
        Assert.Throws<ObjectDisposedException>(() => u + t);
        t.Dispose(); // twice is harmless
    }

    [Fact]
    public void Csharp_side_validation_gives_ArgumentExceptions_with_clear_messages()
    {
        using var scope = torch.NewDisposeScope();
        var e1 = Assert.Throws<ArgumentException>(() => torch.tensor(new double[] { 1, 2, 3 }, 2, 2));
        Assert.Contains("needs 4 elements", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => torch.tensor(new double[] { 1, 2 }, -1, -2));
        Assert.Contains("negative", e2.Message);
        Assert.Throws<ArgumentException>(() => torch.cat(Array.Empty<Tensor>()));
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => T(1, 2).size(3));
        Assert.Contains("out of range", e3.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.cross_entropy(T(new double[] { 1, 2 }, 1, 2), torch.tensor(new long[] { 0 }), label_smoothing: -0.1));
        var e4 = Assert.Throws<InvalidOperationException>(() => T(1, 2).requires_grad_().backward());
        Assert.Contains("gradient", e4.Message);
        Assert.Throws<ArgumentException>(() => T(1).gelu("fast"));
    }
}
