namespace MusicLM.Torch.optim;

/// <summary>
/// Linear warm-up, then a half cosine from base_lr down to min_lr (Loshchilov &amp; Hutter 2017, without restarts):
/// <list type="bullet">
/// <item>s &lt; warmup_steps: lr = base_lr · (s + 1) / warmup_steps</item>
/// <item>warmup_steps ≤ s ≤ total_steps: lr = min_lr + ½ (base_lr − min_lr) (1 + cos(π (s − warmup_steps) / (total_steps − warmup_steps)))</item>
/// <item>s &gt; total_steps: lr = min_lr</item>
/// </list>
/// </summary>
public sealed class CosineDecay : LRScheduler
{
    public long total_steps { get; }
    public double min_lr { get; }
    public long warmup_steps { get; }

    public CosineDecay(Optimizer optimizer, long total_steps, double min_lr = 0, long warmup_steps = 0) : base(optimizer)
    {
        if (warmup_steps < 0) throw new ArgumentOutOfRangeException(nameof(warmup_steps), warmup_steps, "warmup_steps must be non-negative");
        if (total_steps <= warmup_steps) throw new ArgumentOutOfRangeException(nameof(total_steps), total_steps, $"total_steps must exceed warmup_steps ({warmup_steps})");
        if (min_lr < 0 || min_lr > base_lr) throw new ArgumentOutOfRangeException(nameof(min_lr), min_lr, $"min_lr must be in [0, base_lr = {base_lr}]");
        (this.total_steps, this.min_lr, this.warmup_steps) = (total_steps, min_lr, warmup_steps);
        Start();
    }

    public override double get_lr(long step)
    {
        if (step < warmup_steps) return base_lr * (step + 1) / warmup_steps;
        if (step > total_steps) return min_lr;
        var progress = (step - warmup_steps) / (double)(total_steps - warmup_steps);
        return min_lr + 0.5 * (base_lr - min_lr) * (1 + Math.Cos(Math.PI * progress));
    }
}
