namespace MusicLM.Interactive;

/// <summary>Lets an action through at most once per interval (time from an injectable clock).</summary>
internal sealed class Throttle
{
    private readonly TimeProvider clock;
    private readonly TimeSpan interval;
    private long last;
    private bool started;

    public Throttle(TimeProvider clock, TimeSpan interval)
    {
        this.clock = clock;
        this.interval = interval;
    }

    /// <summary>True (and restarts the interval) when the previous pass is at least one interval ago.</summary>
    public bool Ready()
    {
        var now = clock.GetTimestamp();
        if (started && clock.GetElapsedTime(last, now) < interval) return false;
        started = true;
        last = now;
        return true;
    }
}
