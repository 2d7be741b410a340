using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

[Collection("Serial")]
public class MemoryTests
{
    static long ResidentKiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    [Fact]
    public void A_ten_thousand_step_training_loop_in_dispose_scopes_keeps_resident_memory_flat()
    {
        if (!File.Exists("/proc/self/status")) return;
        torch.manual_seed(0);
        // y = sin(x) on 32 points, fitted by a 1-16-1 tanh MLP with manual SGD.
        using var x = torch.linspace(-3, 3, 32, ScalarType.Float32).view(32, 1);
        using var y = x.sin();
        using var w1 = torch.randn(1, 16).mul_(0.5).requires_grad_();
        using var b1 = torch.zeros(16).requires_grad_();
        using var w2 = torch.randn(16, 1).mul_(0.5).requires_grad_();
        using var b2 = torch.zeros(1).requires_grad_();
        var parameters = new[] { w1, b1, w2, b2 };
        double lr = 0.05;

        double Step()
        {
            using var scope = torch.NewDisposeScope();
            var h = (x.matmul(w1) + b1).tanh();
            var pred = h.matmul(w2) + b2;
            var loss = (pred - y).pow(2).mean();
            loss.backward();
            using (torch.no_grad())
                foreach (var p in parameters)
                {
                    var g = p.grad!;
                    p.sub_(g * lr);
                    p.grad = null;
                }
            return loss.item();
        }

        double first = Step();
        for (int i = 1; i < 1000; i++) Step();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long warm = ResidentKiB();
        double last = 0;
        for (int i = 0; i < 9000; i++) last = Step();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long end = ResidentKiB();
        Assert.True(Math.Abs(end - warm) <= 0.10 * warm, $"resident memory went from {warm} KiB to {end} KiB");
        Assert.True(last < first / 5, $"the loss should fall: {first} → {last}");
    }

    [Fact]
    public void Dispose_scopes_dispose_what_was_created_inside()
    {
        Tensor inner, kept, detached, outerOwned;
        using (var outer = torch.NewDisposeScope())
        {
            Assert.Same(outer, DisposeScope.Current);
            using (var s = torch.NewDisposeScope())
            {
                Assert.Same(s, DisposeScope.Current);
                inner = torch.ones(2);
                kept = (inner * 2.0).MoveToOuterDisposeScope();
                detached = torch.ones(3).DetachFromDisposeScope();
                Assert.Equal(1, s.Count); // inner only: kept moved out, detached left
                Assert.Equal(1, outer.Count);
            }
            Assert.Same(outer, DisposeScope.Current);
            Assert.True(inner.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(new float[] { 2, 2 }, kept.ToArray<float>());
            outerOwned = torch.zeros(1);
        }
        Assert.True(kept.IsDisposed);
        Assert.True(outerOwned.IsDisposed);
        Assert.False(detached.IsDisposed);
        Assert.Equal(3.0, detached.sum().DetachFromDisposeScope().item());
        detached.Dispose();
        Assert.Null(DisposeScope.Current);

        // Moving out of the outermost scope leaves the tensor to its caller.
        Tensor free;
        using (torch.NewDisposeScope()) free = torch.ones(1).MoveToOuterDisposeScope();
        Assert.False(free.IsDisposed);
        free.Dispose();

        // A tensor disposed by hand inside a scope is not disposed again (no double free).
        using (torch.NewDisposeScope())
        {
            var t = torch.ones(1);
            t.Dispose();
        }

        // Closing an outer scope also closes scopes still open inside it.
        var o = torch.NewDisposeScope();
        var i2 = torch.NewDisposeScope();
        var t2 = torch.ones(1);
        o.Dispose();
        Assert.True(t2.IsDisposed);
        Assert.Null(DisposeScope.Current);
        i2.Dispose();
    }

    [Fact]
    public void Results_that_outlive_a_scope_keep_the_graph_and_values()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(new double[] { 1, 2 }, 2);
        Tensor y;
        using (torch.NewDisposeScope())
        {
            var a = x * 3.0;
            var b = a.exp();
            y = (b * a).sum().MoveToOuterDisposeScope();
        }
        y.backward();
        // d/dx (3x·e^{3x}) = 3e^{3x} + 9x·e^{3x}
        Close(new[] { 3 * Math.Exp(3) + 9 * Math.Exp(3), 3 * Math.Exp(6) + 18 * Math.Exp(6) }, x.grad!, 1e-12);
    }
}
