using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void Requires_grad_marks_leaves_and_results_track_history()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(1, 2, 3);
        Assert.False(x.requires_grad);
        Assert.Same(x, x.requires_grad_());
        Assert.True(x.requires_grad);
        Assert.True(x.is_leaf);
        var y = x * 2.0;
        Assert.True(y.requires_grad);
        Assert.False(y.is_leaf);
        Assert.Null(x.grad);
        x.requires_grad = false;
        Assert.False((x * 2.0).requires_grad);
    }

    [Fact]
    public void Backward_with_a_gradient_handles_non_scalar_outputs()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(new double[] { 1, 2, 3 }, 3);
        var y = x * x; // dy/dx = 2x
        y.backward(T(1, 0.5, -1));
        Close(new double[] { 2, 2, -6 }, x.grad!);
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls_until_reset()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(new double[] { 1, 2 }, 2);
        (x * 3.0).sum().backward();
        Close(new double[] { 3, 3 }, x.grad!);
        (x * x).sum().backward();
        Close(new double[] { 5, 7 }, x.grad!);
        x.grad = null;
        Assert.Null(x.grad);
        (x * 3.0).sum().backward();
        Close(new double[] { 3, 3 }, x.grad!);
        // retain_graph allows a second pass over the same graph.
        x.grad = null;
        var y = (x * x).sum();
        y.backward(retain_graph: true);
        y.backward();
        Close(new double[] { 4, 8 }, x.grad!);
        // A gradient can be set by hand.
        x.grad = T(9, 9);
        Close(new double[] { 9, 9 }, x.grad!);
        // retain_grad keeps an intermediate's gradient.
        x.grad = null;
        var mid = (x * 2.0).retain_grad();
        (mid * mid).sum().backward();
        Close(new double[] { 4, 8 }, mid.grad!);
        Close(new double[] { 8, 16 }, x.grad!);
    }

    [Fact]
    public void Detach_cuts_the_graph_but_shares_data()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(new double[] { 1, 2 }, 2);
        var d = x.detach();
        Assert.False(d.requires_grad);
        // d is a constant: d(x·d)/dx = d
        (x * d).sum().backward();
        Close(new double[] { 1, 2 }, x.grad!);
        using (torch.no_grad()) x.mul_(10.0);
        Close(new double[] { 10, 20 }, d); // same storage
    }

    [Fact]
    public void No_grad_and_enable_grad_scopes_nest_and_restore()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(new double[] { 1 }, 1);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2.0).requires_grad);
            using (torch.enable_grad())
            {
                Assert.True(torch.is_grad_enabled());
                Assert.True((x * 2.0).requires_grad);
                using (torch.no_grad())
                {
                    Assert.False((x * 2.0).requires_grad);
                }
                Assert.True(torch.is_grad_enabled());
            }
            Assert.False(torch.is_grad_enabled());
            // In-place updates of a leaf are allowed here (a manual SGD step).
            x.sub_(T(0.5));
        }
        Assert.True(torch.is_grad_enabled());
        Close(new double[] { 0.5 }, x);
        Assert.True((x * 2.0).requires_grad);
        // Disposing twice does not restore twice.
        var ng = torch.no_grad();
        ng.Dispose();
        using (torch.no_grad()) { ng.Dispose(); Assert.False(torch.is_grad_enabled()); }
        Assert.True(torch.is_grad_enabled());
    }
}
