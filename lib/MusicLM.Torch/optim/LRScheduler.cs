namespace MusicLM.Torch.optim;

/// <summary>
/// Sets an optimizer's learning rate as a function of the step: the constructor applies
/// <c>get_lr(0)</c>, and each <see cref="step"/> (called after <c>optimizer.step()</c>) advances to the next
/// step's rate. <see cref="base_lr"/> is the optimizer's rate when the schedule was made.
/// </summary>
public abstract class LRScheduler
{
    protected LRScheduler(Optimizer optimizer)
    {
        this.optimizer = optimizer;
        base_lr = optimizer.lr;
    }

    public Optimizer optimizer { get; }
    public double base_lr { get; }

    /// <summary>The step whose rate the optimizer now has (0 before the first <see cref="step"/>).</summary>
    public long last_step { get; private set; }

    /// <summary>The learning rate at <paramref name="step"/> (0-based).</summary>
    public abstract double get_lr(long step);

    /// <summary>Advances one step and applies its learning rate.</summary>
    public void step()
    {
        last_step++;
        optimizer.lr = get_lr(last_step);
    }

    /// <summary>Jumps to <paramref name="step"/> (e.g. when resuming from a checkpoint).</summary>
    public void set_step(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be non-negative");
        last_step = step;
        optimizer.lr = get_lr(step);
    }

    /// <summary>Call at the end of a derived constructor, once the schedule's settings are stored.</summary>
    protected void Start() => optimizer.lr = get_lr(0);
}
