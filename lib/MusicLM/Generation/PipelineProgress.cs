namespace MusicLM.Generation;

/// <summary>How far <see cref="TextToMusic"/> has got: the stage ("conditioning", "semantic", "coarse", "fine", "decode", "rerank"), its work done of its total, and the stage's time so far.</summary>
public readonly record struct PipelineProgress(string Stage, int Done, int Total, TimeSpan Elapsed)
{
    public double Fraction => Total > 0 ? Math.Clamp((double)Done / Total, 0, 1) : 0;
}
