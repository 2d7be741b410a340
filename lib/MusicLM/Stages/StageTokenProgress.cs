namespace MusicLM.Stages;

/// <summary>How far <see cref="StageTokenSet.Compute"/> is: clips whose tokens are done, of all, and the time so far.</summary>
public sealed record StageTokenProgress(int ClipsDone, int Clips, TimeSpan Elapsed);
