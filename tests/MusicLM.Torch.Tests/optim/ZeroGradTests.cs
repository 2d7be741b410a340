using MusicLM.Torch.nn;
using MusicLM.Torch.optim;

namespace MusicLM.Torch.Tests;

public class ZeroGradTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void After_zero_grad_the_next_backward_gives_the_gradient_of_that_step_alone(bool setToNone)
    {
        using var scope = torch.NewDisposeScope();
        using var w = new Parameter(torch.tensor(new double[] { 1, 2, 3 }));
        using var opt = new SGD(new[] { w }, lr: 0.1);
        (w * w).sum().backward();                       // grad 2w = [2, 4, 6]
        opt.zero_grad(set_to_none: setToNone);
        var cleared = w.grad;
        if (setToNone) Assert.Null(cleared);
        else Assert.Equal(new double[] { 0, 0, 0 }, cleared!.ToArray<double>());
        (w * 3.0).sum().backward();                     // grad 3 each, not added to the old one
        Assert.Equal(new double[] { 3, 3, 3 }, w.grad!.ToArray<double>());
    }
}
