namespace MusicLM.Torch.optim;

/// <summary>
/// Linear warm-up, then constant: lr(s) = base_lr · min(1, (s + 1) / warmup_steps). Step 0 already gets a
/// small non-zero rate, and step warmup_steps − 1 reaches base_lr. Warm-up keeps Adam's first, noisy
/// second-moment estimates from making huge steps (Vaswani et al. 2017, §5.3).
/// </summary>
public sealed class LinearWarmup : LRScheduler
{
    public long warmup_steps { get; }

    public LinearWarmup(Optimizer optimizer, long warmup_steps) : base(optimizer)
    {
        if (warmup_steps < 0) throw new ArgumentOutOfRangeException(nameof(warmup_steps), warmup_steps, "warmup_steps must be non-negative");
        this.warmup_steps = warmup_steps;
        Start();
    }

    public override double get_lr(long step) =>
        warmup_steps == 0 ? base_lr : base_lr * Math.Min(1.0, (step + 1) / (double)warmup_steps);
}
