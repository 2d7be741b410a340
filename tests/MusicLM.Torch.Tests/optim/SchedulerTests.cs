using MusicLM.Torch.nn;
using MusicLM.Torch.optim;

namespace MusicLM.Torch.Tests;

public class SchedulerTests
{
    [Fact]
    public void Linear_warmup_rises_in_equal_steps_to_the_base_rate()
    {
        using var p = new Parameter(torch.zeros(1));
        using var opt = new SGD(new[] { p }, lr: 1.0);
        var s = new LinearWarmup(opt, warmup_steps: 4);
        Assert.Equal(0.25, opt.lr, 12);
        Assert.Equal(new[] { 0.25, 0.5, 0.75, 1.0, 1.0 }, Enumerable.Range(0, 5).Select(i => Math.Round(s.get_lr(i), 12)));
        s.step();
        Assert.Equal(0.5, opt.lr, 12);
        Assert.Equal(1, s.last_step);
    }

    [Fact]
    public void Cosine_decay_follows_warmup_then_half_cosine_to_min_lr()
    {
        using var p = new Parameter(torch.zeros(1));
        using var opt = new AdamW(new[] { p }, lr: 1.0);
        var s = new CosineDecay(opt, total_steps: 10, min_lr: 0.1, warmup_steps: 2);
        // warm-up: (s+1)/2; then 0.1 + 0.45·(1 + cos(π·(s−2)/8)).
        Assert.Equal(0.5, s.get_lr(0), 12);
        Assert.Equal(1.0, s.get_lr(1), 12);
        Assert.Equal(1.0, s.get_lr(2), 12);
        Assert.Equal(0.1 + 0.45 * (1 + Math.Cos(Math.PI / 4)), s.get_lr(4), 12);
        Assert.Equal(0.55, s.get_lr(6), 12);
        Assert.Equal(0.1, s.get_lr(10), 12);
        Assert.Equal(0.1, s.get_lr(50), 12);
        Assert.Equal(0.5, opt.lr, 12);
        for (int i = 0; i < 6; i++) s.step();
        Assert.Equal(0.55, opt.lr, 12);
    }
}
