namespace MusicLM.Stages;

/// <summary>How far a stage's sampling has got: target tokens done of the window's total, and the time so far.</summary>
public readonly record struct GenerationProgress(int Tokens, int Total, TimeSpan Elapsed)
{
    /// <summary>Tokens per second so far (per row of the batch).</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? Tokens / Elapsed.TotalSeconds : 0;
}
